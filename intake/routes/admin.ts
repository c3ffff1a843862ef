import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TrustRestoreRequestSchema } from '../../contract/adminApi';
import { ADMIN_SCRIPT, renderAdminPage } from '../admin/adminPage';
import type { Readmission } from '../ingest/readmission';
import type { ChainAudit } from '../integrity/chainAudit';
import type { StoredRecheck } from '../integrity/storedRecheck';
import type { createPairing } from '../pairing/pairing';
import type { IntakeStore } from '../store/store';
import { parseBody, sendError, servePage, type RequireAdmin } from './http';

/** Admin routes per device (outcomes, pairings, integrity; clearing a flagged device) and the /admin page that reads them. */
export function registerAdminRoutes(
  app: FastifyInstance,
  deps: { store: IntakeStore; requireAdmin: RequireAdmin; pairing: ReturnType<typeof createPairing>; chain: ChainAudit; storedRecheck: StoredRecheck; readmit: Readmission },
): void {
  const { store, requireAdmin, pairing, chain, storedRecheck, readmit } = deps;

  /** An admin route that reads one device, named by `?deviceId=`. */
  const perDevice = (path: string, read: (deviceId: string) => Promise<unknown>) =>
    app.get(path, async (request: FastifyRequest, reply: FastifyReply) => {
      if (!requireAdmin(request, reply)) return reply;
      const { deviceId } = request.query as { deviceId?: string };
      if (!deviceId) return sendError(reply, 400, 'missing_device', 'deviceId is required');
      return read(deviceId);
    });

  perDevice('/v1/admin/outcomes', async (deviceId) => ({ outcomes: await store.outcomes.list(deviceId) }));
  perDevice('/v1/admin/outcomes/count', async (deviceId) => ({ count: await store.outcomes.count(deviceId) }));
  perDevice('/v1/admin/pairings', async (deviceId) => ({ pairings: await pairing.history(deviceId) }));
  perDevice('/v1/admin/integrity', (deviceId) => chain.report(deviceId));
  perDevice('/v1/admin/integrity/recheck', (deviceId) => storedRecheck.recheck(deviceId));

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

  // The admin view: a static page that asks for the admin token and reads the routes above.
  servePage(app, '/admin', renderAdminPage(), ADMIN_SCRIPT);
}
