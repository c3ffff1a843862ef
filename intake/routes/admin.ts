import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AdminDeviceListQuerySchema, AdminDeviceQuerySchema, OutcomeImportRequestSchema, TokenListQuerySchema, TokenRevokeRequestSchema, TrustRestoreRequestSchema } from '../../contract/adminApi';
import { ADMIN_SCRIPT, renderAdminPage } from '../admin/adminPage';
import type { createBatchIngest } from '../ingest/batchIngest';
import type { Readmission } from '../ingest/readmission';
import { publicKeyFromRaw } from '../devices/deviceAuth';
import type { ChainAudit } from '../integrity/chainAudit';
import type { StoredRecheck } from '../integrity/storedRecheck';
import type { createPairing } from '../pairing/pairing';
import type { IntakeStore } from '../store/store';
import { decodeCursor, encodeCursor } from './cursor';
import { parseBody, parseQuery, sendError, servePage, type RequireAdmin } from './http';

/** Admin routes per device (outcomes, pairings, integrity; clearing a flagged device) and the /admin page that reads them. */
export function registerAdminRoutes(
  app: FastifyInstance,
  deps: {
    store: IntakeStore;
    requireAdmin: RequireAdmin;
    pairing: ReturnType<typeof createPairing>;
    chain: ChainAudit;
    storedRecheck: StoredRecheck;
    readmit: Readmission;
    ingest: ReturnType<typeof createBatchIngest>;
    now: () => number;
  },
): void {
  const { store, requireAdmin, pairing, chain, storedRecheck, readmit, ingest, now } = deps;

  /** An admin route that reads one device, named by `?deviceId=` (the query checked by `schema`). */
  const perDevice = <S extends z.ZodType>(path: string, schema: S, read: (query: z.output<S>, reply: FastifyReply) => Promise<unknown>) =>
    app.get(path, async (request: FastifyRequest, reply: FastifyReply) => {
      if (!requireAdmin(request, reply)) return reply;
      const query: z.output<S> | null = parseQuery(schema, request, reply);
      if (query === null) return reply;
      return read(query, reply);
    });
  const badCursor = (reply: FastifyReply) => sendError(reply, 400, 'bad_cursor', 'after must be the next value of an earlier page');

  // Pages in chain order; `next` continues after the last record.
  perDevice('/v1/admin/outcomes', AdminDeviceListQuerySchema, async ({ deviceId, limit, after }, reply) => {
    const from = after === undefined ? [-1, -1] : decodeCursor(after, ['n', 'n']);
    if (!from) return badCursor(reply);
    const rows = await store.outcomes.list(deviceId, { seq: from[0] as number, position: from[1] as number }, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { outcomes: page.map(({ position: _position, ...row }) => row), next: rows.length > limit && last ? encodeCursor([last.seq, last.position]) : null };
  });
  perDevice('/v1/admin/outcomes/count', AdminDeviceQuerySchema, async ({ deviceId }) => ({ count: await store.outcomes.count(deviceId) }));
  perDevice('/v1/admin/pairings', AdminDeviceListQuerySchema, async ({ deviceId, limit, after }, reply) => {
    const before = after === undefined ? undefined : decodeCursor(after, ['n', 'n']);
    if (before === null) return badCursor(reply);
    const rows = await pairing.history(deviceId, limit + 1, before ? { confirmedAt: before[0] as number, position: before[1] as number } : undefined);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { pairings: page.map(({ position: _position, ...row }) => row), next: rows.length > limit && last ? encodeCursor([last.pairedAtMs, last.position]) : null };
  });
  // The report with a page of its events; `next` continues after the last event.
  perDevice('/v1/admin/integrity', AdminDeviceListQuerySchema, async ({ deviceId, limit, after }, reply) => {
    const from = after === undefined ? [0] : decodeCursor(after, ['n']);
    if (!from) return badCursor(reply);
    const { nextEventId, ...report } = await chain.report(deviceId, { limit, afterEventId: from[0] as number });
    return { ...report, next: nextEventId === null ? null : encodeCursor([nextEventId]) };
  });
  perDevice('/v1/admin/integrity/recheck', AdminDeviceQuerySchema, ({ deviceId }) => storedRecheck.recheck(deviceId));

  // A person clears a flagged device: its untrusted records count from now on (recorded, with who and why).
  app.post('/v1/admin/devices/:deviceId/trust', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const body = parseBody(TrustRestoreRequestSchema, request, reply, 'invalid_trust_restore', 'the request');
    if (!body) return reply;
    const { deviceId } = request.params as { deviceId: string };
    const result = await readmit(deviceId, body);
    if (!result.ok) return sendError(reply, result.status, result.code, result.message);
    return { deviceId, readmitted: result.readmitted, stillUntrusted: result.stillUntrusted };
  });

  // What a tablet reset offline exported: checked and stored as its upload would have been, by a person with who and why.
  app.post('/v1/admin/devices/:deviceId/import', { config: { itemsCheckedOneByOne: ['batch.outcomes'] } }, async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const body = parseBody(OutcomeImportRequestSchema, request, reply, 'invalid_import', 'the import');
    if (!body) return reply;
    const { deviceId } = request.params as { deviceId: string };
    if (body.batch.deviceId !== deviceId) return sendError(reply, 400, 'wrong_device', `the file is ${body.batch.deviceId}'s, not ${deviceId}'s`);
    const current = await store.devices.currentKey(deviceId);
    if (!current) return sendError(reply, 404, 'unknown_device', 'no device with this id is enrolled');
    if (current.hallCode === null) return sendError(reply, 403, 'hall_unknown', "the intake does not know this device's hall: load its provisioned token file");
    const { results, lateFlagResults } = await ingest({ deviceId, key: publicKeyFromRaw(current.publicKey), hallCode: current.hallCode }, body.batch.outcomes, body.batch.lateFlags, (stored) => {
      const tally = (status: string) => stored.filter((r) => r.status === status).length;
      return { kind: 'outcomes_imported', detail: `by ${body.by}: ${body.reason} (${tally('accepted')} accepted, ${tally('duplicate')} already held, ${tally('rejected')} rejected)` };
    });
    return { serverTimeMs: now(), results, ...(body.batch.lateFlags ? { lateFlagResults } : {}) };
  });

  // Enrolment tokens: listed by a short id (never the token), revoked by a person with who and why.
  app.get('/v1/admin/enrolment-tokens', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const query = parseQuery(TokenListQuerySchema, request, reply);
    if (!query) return reply;
    const filter = query.deviceId !== undefined ? { deviceId: query.deviceId } : query.hall !== undefined ? { hallCode: query.hall } : {};
    return { tokens: await store.devices.listTokens(filter, query.limit) };
  });
  app.post('/v1/admin/enrolment-tokens/:id/revoke', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const { id } = request.params as { id: string };
    if (!/^[0-9a-f]{12}$/.test(id)) return sendError(reply, 400, 'bad_token_id', 'a token id is the 12 hex digits the token list shows');
    const body = parseBody(TokenRevokeRequestSchema, request, reply, 'invalid_token_revoke', 'the request');
    if (!body) return reply;
    const revoked = await store.devices.revokeToken(id, Date.now(), `${body.by}: ${body.reason}`);
    if (!revoked) return sendError(reply, 404, 'no_revocable_token', 'no unused, unrevoked token has that id');
    return { token: revoked };
  });

  // The admin view: a static page that asks for the admin token and reads the routes above.
  servePage(app, '/admin', renderAdminPage(), ADMIN_SCRIPT);
}
