import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ADMIN_SCRIPT, renderAdminPage } from '../admin/adminPage';
import type { ChainAudit } from '../integrity/chainAudit';
import type { StoredRecheck } from '../integrity/storedRecheck';
import type { createPairing } from '../pairing/pairing';
import type { IntakeStore } from '../store/store';
import { sendError, servePage, type RequireAdmin } from './http';

/** Read-only admin routes per device (outcomes, pairings, integrity) and the /admin page that reads them. */
export function registerAdminRoutes(
  app: FastifyInstance,
  deps: { store: IntakeStore; requireAdmin: RequireAdmin; pairing: ReturnType<typeof createPairing>; chain: ChainAudit; storedRecheck: StoredRecheck },
): void {
  const { store, requireAdmin, pairing, chain, storedRecheck } = deps;

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

  // The admin view: a static page that asks for the admin token and reads the routes above.
  servePage(app, '/admin', renderAdminPage(), ADMIN_SCRIPT);
}
