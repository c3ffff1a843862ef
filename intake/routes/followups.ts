import type { FastifyInstance } from 'fastify';
import type { SealingKeys } from '../devices/sealingKeys';
import { FollowupUpdateSchema, type Followups } from '../followups/followups';
import { FollowupListQuerySchema } from '../../contract/adminApi';
import { decodeCursor, encodeCursor } from './cursor';
import { parseBody, parseQuery, sendError, type RequireAdmin } from './http';

/** The 差评 follow-up list (callback phones opened here only) and its updates: class, close note. */
export function registerFollowupRoutes(app: FastifyInstance, deps: { requireAdmin: RequireAdmin; followups: Followups; sealing: SealingKeys }): void {
  const { requireAdmin, followups, sealing } = deps;

  // A page at a time: open ones by due time, or all newest first; `next` continues after the last.
  app.get('/v1/admin/followups', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const query = parseQuery(FollowupListQuerySchema, request, reply);
    if (!query) return reply;
    const after = query.after === undefined ? undefined : decodeCursor(query.after, ['n', 's']);
    if (after === null) return sendError(reply, 400, 'bad_cursor', 'after must be the next value of an earlier page');
    const page = await followups.list(query.status === 'open', sealing, query.limit + 1, after ? { at: after[0] as number, outcomeId: after[1] as string } : undefined);
    const shown = page.followups.slice(0, query.limit);
    const last = shown[shown.length - 1];
    const lastAt = last ? Date.parse(query.status === 'open' ? last.dueAt : last.openedAt) : 0;
    return { followups: shown, next: page.followups.length > query.limit && last ? encodeCursor([lastAt, last.outcomeId]) : null };
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
