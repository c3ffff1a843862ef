import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import {
  BATCH_MAX_BYTES,
  DEVICE_ID_HEADER,
  EnrolRequestSchema,
  OutcomeBatchSchema,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from '../contract/intakeApi';
import { CaseEventSchema } from '../contract/caseEvent';
import { createBatchIngest } from './batchIngest';
import { createChainAudit } from './chainAudit';
import { createFollowups, FollowupUpdateSchema } from './followups';
import { ADMIN_SCRIPT, renderAdminPage } from './adminPage';
import { loadSealingKeys } from './sealingKeys';
import { createWorkingDays, DEFAULT_CALENDAR_FILE, loadCalendar, type WorkingCalendar } from './workingDays';
import { registerDashboardPages } from './dashboard/dashboardPages';
import { registerDashboardRoutes } from './dashboard/dashboardRoutes';
import { openIntakeDb, type IntakeDb } from './database';
import { createDeviceAuth } from './deviceAuth';
import { createEnrolment, type EnrolmentToken } from './enrolment';
import { readStoredOutcome } from './storedOutcome';
import { createStoredRecheck } from './storedRecheck';
import { createInvitationFeed } from './invitationFeed';
import { createPairing, createStaffLogin } from './pairing';
import { PAIR_SCRIPT, renderPairPage } from './pairPage';
import { PairingConfirmRequestSchema, type StaffDirectory } from '../contract/staffSession';
import { PROFILES, provincialWarnings, toProvincial } from './provinceProfiles';

/** Records per export page: a day of a large hall spans several, followed by `next`. */
const EXPORT_PAGE_MAX = 5_000;

function parseExportCursor(after: string): { receivedAt: number; id: string } | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && Number.isInteger(value[0]) && typeof value[1] === 'string') return { receivedAt: value[0] as number, id: value[1] as string };
  } catch {
    // falls through: not a cursor this intake gave out
  }
  return null;
}

export interface IntakeOptions {
  dbFile: string;
  /** 0 picks a free port. */
  port: number;
  enrolmentTokens?: EnrolmentToken[];
  /** Browser origins of devices allowed to call the intake (CORS); `http://127.0.0.1:*` allows any port. */
  corsOrigins: string[];
  /** Bearer token for the read-only admin/export routes; without it they are off. */
  adminToken?: string;
  /** How long close() lets open requests finish before it drops their connections (default 10 s). */
  closeGraceMs?: number;
  /** Hall code → bearer token for that hall's dashboard routes (a hall manager's credential). */
  dashboardTokens?: Record<string, string>;
  /** Per device: the token a window business system presents to post case events for it. */
  caseEventTokens?: Record<string, string>;
  /** The renderer build (dist/) whose dashboard.html is served at /dashboard and /display; off without it. */
  dashboardAppDir?: string;
  /** Staff who may confirm a device's pairing code (login name, name, 工号, photo, password hash). */
  staffDirectory?: StaffDirectory;
  /** The intake's address as staff phones reach it, for the pairing QR; else taken from the request. */
  publicUrl?: string;
  /** Concurrent batch uploads beyond this get 429 + Retry-After. */
  maxInFlightBatches?: number;
  /** Holidays and make-up working days for follow-up deadlines; the bundled 2026 calendar by default. */
  calendar?: WorkingCalendar;
  now?: () => number;
  log?: (message: string) => void;
}

export interface RunningIntake {
  origin: string;
  app: FastifyInstance;
  db: IntakeDb;
  close(): Promise<void>;
}

function sendError(reply: FastifyReply, status: number, code: string, message: string, issues?: Array<{ path: string; message: string }>) {
  return reply.code(status).send({ error: { code, message, ...(issues ? { issues } : {}) } });
}

/** A staff page at `path` and its one script at `path/<name>.js`, under a CSP that allows nothing else. */
function servePage(app: FastifyInstance, path: string, html: string, script: string): void {
  app.get(path, async (_request, reply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'")
      .send(html),
  );
  app.get(`${path}${path}.js`, async (_request, reply) => reply.header('content-type', 'text/javascript; charset=utf-8').send(script));
}

/**
 * The reference provincial intake: device enrolment, signed batch upload with per-item results,
 * server time and read-only admin/export routes, on SQLite. Idempotent by outcome id.
 */
export async function startIntake(options: IntakeOptions): Promise<RunningIntake> {
  const now = options.now ?? Date.now;
  const log = options.log ?? ((m: string) => console.log(m));
  const db = openIntakeDb(options.dbFile);
  const enrolment = createEnrolment(db, now);
  const storedRecheck = createStoredRecheck(db);
  enrolment.addTokens(options.enrolmentTokens ?? []);
  const authenticate = createDeviceAuth(db, now);
  const chain = createChainAudit(db, now);
  const followups = createFollowups(db, createWorkingDays(options.calendar ?? loadCalendar(DEFAULT_CALENDAR_FILE.pathname)), now);
  const ingest = createBatchIngest(db, { chain, followups, now });
  const sealing = await loadSealingKeys(db, now);
  const feed = createInvitationFeed(db, now);
  const pairing = createPairing(db, now);
  const staffLogin = createStaffLogin(options.staffDirectory ?? [], now);
  const maxInFlight = options.maxInFlightBatches ?? 8;
  let inFlight = 0;

  const app = Fastify({ logger: false, bodyLimit: BATCH_MAX_BYTES });
  // Keep the raw body: signatures are over the exact bytes the device sent.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, { raw: body as string, json: JSON.parse(body as string) as unknown });
    } catch {
      const error = Object.assign(new Error('the body is not valid JSON'), { statusCode: 400, code: 'malformed_body' });
      done(error, undefined);
    }
  });
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) log(`intake: internal error ${error.message}`);
    const code = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'body_too_large' : status === 415 ? 'unsupported_media_type' : status === 400 ? 'malformed_body' : 'error';
    return sendError(reply, status, code, status >= 500 ? 'internal error' : error.message);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'not_found', `no route for ${request.method} ${request.url.split('?')[0]}`));

  const allowed = options.corsOrigins.map((pattern) =>
    pattern.endsWith(':*') ? (origin: string) => origin.startsWith(pattern.slice(0, -1)) && /^\d+$/.test(origin.slice(pattern.length - 1)) : (origin: string) => origin === pattern,
  );
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin && allowed.some((matches) => matches(origin))) {
      reply.header('Access-Control-Allow-Origin', origin).header('Vary', 'Origin');
      if (request.method === 'OPTIONS') {
        return reply
          .code(204)
          .header('Access-Control-Allow-Methods', 'GET, POST')
          .header('Access-Control-Allow-Headers', ['content-type', 'authorization', DEVICE_ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER].join(', '))
          .header('Access-Control-Max-Age', '600')
          .send();
      }
    }
  });

  const body = (request: FastifyRequest) => request.body as { raw: string; json: unknown } | undefined;
  const requireAdmin = (request: FastifyRequest, reply: FastifyReply): boolean => {
    if (options.adminToken && request.headers.authorization === `Bearer ${options.adminToken}`) return true;
    void sendError(reply, 401, 'unauthorized', 'admin routes need the admin bearer token');
    return false;
  };

  app.get('/v1/health', async () => ({ ok: true }));
  app.get('/v1/time', async () => ({ serverTimeMs: now() }));

  app.post('/v1/devices', async (request, reply) => {
    const parsed = EnrolRequestSchema.safeParse(body(request)?.json);
    if (!parsed.success) {
      return sendError(reply, 400, 'invalid_enrolment', 'the enrolment request does not match the schema', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    const result = enrolment.enrol(parsed.data);
    if (!result.ok) return sendError(reply, result.status, result.code, result.message);
    return reply
      .code(201)
      .send({ deviceId: parsed.data.deviceId, enrolledAt: new Date(result.enrolledAt).toISOString(), serverTimeMs: now(), sealingPublicKey: sealing.publicKey });
  });

  app.get('/v1/keys/sealing', async () => ({ sealingPublicKey: sealing.publicKey }));

  app.post('/v1/outcomes/batch', async (request, reply) => {
    if (inFlight >= maxInFlight) {
      reply.header('Retry-After', '1');
      return sendError(reply, 429, 'overloaded', 'too many uploads at once; retry after the given seconds');
    }
    inFlight++;
    try {
      const payload = body(request);
      if (!payload) return sendError(reply, 415, 'unsupported_media_type', 'send application/json');
      const header = (name: string) => {
        const value = request.headers[name];
        return typeof value === 'string' ? value : undefined;
      };
      const auth = authenticate(
        { deviceId: header(DEVICE_ID_HEADER), timestamp: header(TIMESTAMP_HEADER), signature: header(SIGNATURE_HEADER) },
        payload.raw,
      );
      if (!auth.ok) return sendError(reply, 401, auth.code, auth.message);
      const batch = OutcomeBatchSchema.safeParse(payload.json);
      if (!batch.success) {
        return sendError(reply, 400, 'invalid_batch', 'the batch does not match the schema', batch.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
      }
      if (batch.data.deviceId !== auth.deviceId) return sendError(reply, 401, 'wrong_device', 'the batch names another device than the signer');
      const { results, lateFlagResults } = await ingest(auth.deviceId, auth.key, batch.data.outcomes, batch.data.lateFlags);
      return { serverTimeMs: now(), results, ...(batch.data.lateFlags ? { lateFlagResults } : {}) };
    } finally {
      inFlight--;
    }
  });

  // Invitations feed for PADs without a host (Server-Sent Events).
  app.post('/v1/devices/:deviceId/case-events', async (request, reply) => {
    const { deviceId } = request.params as { deviceId: string };
    const expected = options.caseEventTokens?.[deviceId];
    if (!expected || request.headers.authorization !== `Bearer ${expected}`) {
      return sendError(reply, 401, 'unauthorized', 'a valid case event token for this device is required');
    }
    const parsed = CaseEventSchema.safeParse(body(request)?.json);
    if (!parsed.success) {
      return sendError(reply, 400, 'invalid_case_event', 'the case event does not match the schema', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    const { invitation, created } = feed.post(deviceId, parsed.data);
    return reply.code(created ? 202 : 200).send({ status: created ? 'queued' : 'duplicate', invitationId: invitation.id });
  });

  // EventSource cannot send headers: the feed is signed in the query over `GET <path>`.
  const authenticateQuery = (request: FastifyRequest, deviceId: string) => {
    const query = request.query as { ts?: string; sig?: string };
    return authenticate({ deviceId, timestamp: query.ts, signature: query.sig }, `GET ${request.url.split('?')[0]}`);
  };
  // A hijacked feed is never idle, so server.close() would wait on it for ever: closing ends each one.
  const openFeeds = new Set<ServerResponse>();
  app.addHook('preClose', (done) => {
    for (const res of openFeeds) res.end();
    done();
  });
  app.get('/v1/devices/:deviceId/invitations', (request, reply) => {
    const { deviceId } = request.params as { deviceId: string };
    const auth = authenticateQuery(request, deviceId);
    if (!auth.ok) return sendError(reply, 401, auth.code, auth.message);
    reply.hijack();
    const res = reply.raw;
    const origin = request.headers.origin;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      ...(origin && allowed.some((matches) => matches(origin)) ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {}),
    });
    res.flushHeaders();
    const send = (invitation: unknown) => res.write(`event: invitation\ndata: ${JSON.stringify(invitation)}\n\n`);
    feed.pending(deviceId).forEach(send);
    const unsubscribe = feed.subscribe(deviceId, send);
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), 15_000);
    openFeeds.add(res);
    request.raw.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      openFeeds.delete(res);
    });
  });
  app.post('/v1/devices/:deviceId/invitations/:id/ack', async (request, reply) => {
    const { deviceId, id } = request.params as { deviceId: string; id: string };
    const header = (name: string) => (typeof request.headers[name] === 'string' ? (request.headers[name] as string) : undefined);
    const auth = authenticate({ deviceId, timestamp: header(TIMESTAMP_HEADER), signature: header(SIGNATURE_HEADER) }, `POST ${request.url}`);
    if (!auth.ok) return sendError(reply, 401, auth.code, auth.message);
    return { acknowledged: feed.ack(deviceId, id) };
  });

  registerDashboardRoutes(app, {
    db,
    ...(options.adminToken ? { adminToken: options.adminToken } : {}),
    ...(options.dashboardTokens ? { dashboardTokens: options.dashboardTokens } : {}),
    now,
    sendError,
  });
  if (options.dashboardAppDir) await registerDashboardPages(app, options.dashboardAppDir);
  // Staff pairing: the device asks for a code (signed), shows it, and polls; staff confirm it.
  const headerOf = (request: FastifyRequest, name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  app.post('/v1/devices/:deviceId/pairing-codes', async (request, reply) => {
    const { deviceId } = request.params as { deviceId: string };
    const auth = authenticate(
      { deviceId: headerOf(request, DEVICE_ID_HEADER), timestamp: headerOf(request, TIMESTAMP_HEADER), signature: headerOf(request, SIGNATURE_HEADER) },
      body(request)?.raw ?? '',
    );
    if (!auth.ok) return sendError(reply, 401, auth.code, auth.message);
    if (auth.deviceId !== deviceId) return sendError(reply, 401, 'wrong_device', 'the request names another device than the signer');
    const issued = pairing.issue(deviceId);
    const base = options.publicUrl ?? `${request.protocol}://${request.headers.host ?? '127.0.0.1'}`;
    return reply.code(201).send({ ...issued, confirmUrl: new URL(`/pair?code=${issued.code}`, base).href, serverTimeMs: now() });
  });
  app.get('/v1/devices/:deviceId/pairing-codes/:code', async (request, reply) => {
    const { deviceId, code } = request.params as { deviceId: string; code: string };
    const auth = authenticateQuery(request, deviceId);
    if (!auth.ok) return sendError(reply, 401, auth.code, auth.message);
    const status = pairing.status(deviceId, code);
    if (!status) return sendError(reply, 404, 'unknown_code', 'this device was not given that pairing code');
    return { ...status, serverTimeMs: now() };
  });
  app.post('/v1/pairings', async (request, reply) => {
    const parsed = PairingConfirmRequestSchema.safeParse(body(request)?.json);
    if (!parsed.success) {
      return sendError(reply, 400, 'invalid_pairing', 'the pairing request does not match the schema', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    const login = staffLogin(parsed.data.loginName, parsed.data.password);
    if (!login.ok) {
      if (login.locked) {
        reply.header('Retry-After', String(Math.ceil(login.retryAfterMs / 1000)));
        return sendError(reply, 429, 'login_locked', 'too many wrong passwords for this login; wait and try again');
      }
      return sendError(reply, 401, 'wrong_login', 'the login name or password is wrong');
    }
    const result = pairing.confirm(parsed.data.code, login.staff);
    if (!result.ok) return sendError(reply, result.status, result.code, result.message);
    log(`intake: device ${result.deviceId} paired with staff ${login.staff.loginName}`);
    return { deviceId: result.deviceId, staff: login.staff, pairedAtMs: result.pairedAtMs };
  });
  servePage(app, '/pair', renderPairPage(), PAIR_SCRIPT);

  const listOutcomes = db.prepare<[string], { id: string; seq: number }>('SELECT id, seq FROM outcomes WHERE device_id = ? ORDER BY seq');
  const countOutcomes = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM outcomes WHERE device_id = ?');
  app.get('/v1/admin/outcomes', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const { deviceId } = request.query as { deviceId?: string };
    if (!deviceId) return sendError(reply, 400, 'missing_device', 'deviceId is required');
    return { outcomes: listOutcomes.all(deviceId) };
  });
  app.get('/v1/admin/outcomes/count', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const { deviceId } = request.query as { deviceId?: string };
    if (!deviceId) return sendError(reply, 400, 'missing_device', 'deviceId is required');
    return { count: countOutcomes.get(deviceId)?.n ?? 0 };
  });

  app.get('/v1/admin/pairings', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const { deviceId } = request.query as { deviceId?: string };
    if (!deviceId) return sendError(reply, 400, 'missing_device', 'deviceId is required');
    return { pairings: pairing.history(deviceId) };
  });
  app.get('/v1/admin/integrity', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const { deviceId } = request.query as { deviceId?: string };
    if (!deviceId) return sendError(reply, 400, 'missing_device', 'deviceId is required');
    return chain.report(deviceId);
  });
  app.get('/v1/admin/integrity/recheck', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const { deviceId } = request.query as { deviceId?: string };
    if (!deviceId) return sendError(reply, 400, 'missing_device', 'deviceId is required');
    return storedRecheck.recheck(deviceId);
  });
  app.get('/v1/admin/followups', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const { status } = request.query as { status?: string };
    if (status !== undefined && status !== 'open' && status !== 'all') return sendError(reply, 400, 'bad_status', 'status must be open or all');
    return { followups: followups.list(status !== 'all', sealing) };
  });
  app.post('/v1/admin/followups/:outcomeId', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const parsed = FollowupUpdateSchema.safeParse(body(request)?.json);
    if (!parsed.success) {
      return sendError(reply, 400, 'invalid_update', 'the follow-up update does not match the schema', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    const result = followups.update((request.params as { outcomeId: string }).outcomeId, parsed.data);
    if (result === 'not_found') return sendError(reply, 404, 'not_found', 'no follow-up for this outcome');
    if (result === 'already_closed') return sendError(reply, 409, 'already_closed', 'the follow-up is closed');
    return { status: result };
  });
  // The admin view: a static page that asks for the admin token and reads the routes above.
  servePage(app, '/admin', renderAdminPage(), ADMIN_SCRIPT);

  // Pages follow (received_at, id), so a page boundary never skips or repeats an outcome.
  const exportPage = db.prepare<[number, string, number, number, number], { id: string; received_at: number; body: string }>(
    'SELECT id, received_at, body FROM outcomes WHERE (received_at, id) > (?, ?) AND received_at >= ? AND received_at < ? ORDER BY received_at, id LIMIT ?',
  );
  app.get('/v1/export', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const query = request.query as { profile?: string; from?: string; to?: string; after?: string; limit?: string };
    const profile = PROFILES[query.profile ?? ''];
    if (!profile) return sendError(reply, 400, 'unknown_profile', `profile must be one of ${Object.keys(PROFILES).join(', ')}`);
    const from = query.from ? Date.parse(query.from) : 0;
    const to = query.to ? Date.parse(query.to) : Number.MAX_SAFE_INTEGER;
    if (Number.isNaN(from) || Number.isNaN(to)) return sendError(reply, 400, 'bad_range', 'from and to must be ISO dates');
    const limit = query.limit === undefined ? EXPORT_PAGE_MAX : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > EXPORT_PAGE_MAX) return sendError(reply, 400, 'bad_limit', `limit must be an integer from 1 to ${EXPORT_PAGE_MAX}`);
    const cursor = query.after === undefined ? { receivedAt: -1, id: '' } : parseExportCursor(query.after);
    if (!cursor) return sendError(reply, 400, 'bad_cursor', 'after must be the next value of an earlier page');
    // One row beyond the page says whether another page follows.
    const rows = exportPage.all(cursor.receivedAt, cursor.id, from, to, limit + 1);
    const page = rows.slice(0, limit);
    const warnings: Array<{ outcomeId: string; message: string }> = [];
    const records = page.flatMap((row) => {
      // A stored body that no longer reads is named, not allowed to stop every later page.
      const stored = readStoredOutcome(row.body);
      if (!stored.ok) {
        warnings.push({ outcomeId: row.id, message: 'the stored outcome no longer reads as an outcome: left out of the export; run the integrity re-check for its device' });
        return [];
      }
      const record = toProvincial(stored.outcome, profile);
      for (const message of provincialWarnings(record)) warnings.push({ outcomeId: row.id, message });
      return [record];
    });
    const last = page[page.length - 1];
    const next = rows.length > limit && last ? Buffer.from(JSON.stringify([last.received_at, last.id])).toString('base64url') : null;
    return { profile: profile.name, records, warnings, next };
  });

  await app.listen({ host: '127.0.0.1', port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    origin: `http://127.0.0.1:${port}`,
    app,
    db,
    async close() {
      // Graceful first: a batch being ingested finishes and is answered. A connection that stays
      // busy past the grace (a client that never finishes its request) must not hold shutdown.
      const closing = app.close();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const graceful = await Promise.race([closing.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), options.closeGraceMs ?? 10_000)))]);
      clearTimeout(timer);
      if (!graceful) {
        log('intake: connections still busy after the close grace; dropping them');
        app.server.closeAllConnections();
        await closing;
      }
      db.close();
    },
  };
}
