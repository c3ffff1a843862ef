import type { FastifyInstance } from 'fastify';
import type { SealingKeys } from '../devices/sealingKeys';
import { FollowupUpdateSchema, type Followups } from '../followups/followups';
import { parseBody, sendError, type RequireAdmin } from './http';

/** The 差评 follow-up list (callback phones opened here only) and its updates: class, close note. */
export function registerFollowupRoutes(app: FastifyInstance, deps: { requireAdmin: RequireAdmin; followups: Followups; sealing: SealingKeys }): void {
  const { requireAdmin, followups, sealing } = deps;

  app.get('/v1/admin/followups', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const { status } = request.query as { status?: string };
    if (status !== undefined && status !== 'open' && status !== 'all') return sendError(reply, 400, 'bad_status', 'status must be open or all');
    return { followups: await followups.list(status !== 'all', sealing) };
  });

  app.post('/v1/admin/followups/:outcomeId', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const update = parseBody(FollowupUpdateSchema, request, reply, 'invalid_update', 'the follow-up update');
    if (!update) return reply;
    const result = await followups.update((request.params as { outcomeId: string }).outcomeId, update);
    if (result === 'not_found') return sendError(reply, 404, 'not_found', 'no follow-up for this outcome');
    if (result === 'already_closed') return sendError(reply, 409, 'already_closed', 'the follow-up is closed');
    return { status: result };
  });
}
