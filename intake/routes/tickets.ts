import type { FastifyInstance, FastifyReply } from 'fastify';
import { DispatchedTicketSchema, TicketActionRequestSchema, TicketListQuerySchema, type TicketEvent } from '../../contract/tickets';
import { bearerOf } from '../security/secrets';
import type { DispatcherGate } from '../tickets/dispatchers';
import type { EvidenceFiles } from '../tickets/evidence';
import type { ActResult, Tickets } from '../tickets/tickets';
import { decodeCursor, encodeCursor } from './cursor';
import { parseBody, parseQuery, sendError, type RequireAdmin } from './http';

/** A refusal that tells the caller what it may do now (and the version it must send). */
function refuse(reply: FastifyReply, status: number, error: { code: string; message: string; allowed: string[]; version?: number }): FastifyReply {
  return reply.code(status).send({ error });
}

/**
 * Answers 400 unknown_evidence when an appeal names a file that was never uploaded here, and says
 * whether it did (the work queue's appeals; a machine behind the admin token names evidence it keeps itself).
 */
export async function sendUnknownEvidence(reply: FastifyReply, evidence: EvidenceFiles, event: TicketEvent): Promise<boolean> {
  if (event.type !== 'appeal') return false;
  const known = await Promise.all(event.evidence.map((sha256) => evidence.has(sha256)));
  const missing = event.evidence.filter((_, i) => !known[i]);
  if (missing.length === 0) return false;
  void sendError(reply, 400, 'unknown_evidence', `no evidence file was uploaded with SHA-256 ${missing.join(', ')}`);
  return true;
}

/** Answers a refused or stale action (404, 409 with the steps allowed now, 403, 400); null when it was done. */
export function sendActRefusal(reply: FastifyReply, result: ActResult): FastifyReply | null {
  switch (result.status) {
    case 'not_found':
      return sendError(reply, 404, 'not_found', 'no such ticket');
    case 'stale':
      return refuse(reply, 409, { code: 'stale_version', message: `the ticket is at version ${result.version}; reload it and act again`, allowed: result.allowed, version: result.version });
    case 'refused':
      return refuse(reply, result.code === 'forbidden' ? 403 : result.code === 'invalid' ? 400 : 409, { code: result.code, message: result.message, allowed: result.allowed });
    case 'done':
      return null;
  }
}

/**
 * The 差评 tickets (intake/tickets/): a bounded list with filters, one ticket with its timeline,
 * the actions people take on it (over the version they saw), and the action log's verification.
 * The admin token, except the dispatch from above (each dispatching system's own token).
 */
export function registerTicketRoutes(app: FastifyInstance, deps: { requireAdmin: RequireAdmin; tickets: Tickets; dispatchers: DispatcherGate }): void {
  const { requireAdmin, tickets, dispatchers } = deps;

  app.get('/v1/admin/tickets', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const query = parseQuery(TicketListQuerySchema, request, reply);
    if (!query) return reply;
    const after = query.after === undefined ? undefined : decodeCursor(query.after, ['n', 's']);
    if (after === null) return sendError(reply, 400, 'bad_cursor', 'after must be the next value of an earlier page');
    const { limit, after: _cursor, ...filter } = query;
    const page = await tickets.list(filter, limit + 1, after ? { openedAt: after[0] as number, id: after[1] as string } : undefined);
    const shown = page.tickets.slice(0, limit);
    const last = shown[shown.length - 1];
    return { tickets: shown, next: page.tickets.length > limit && last ? encodeCursor([Date.parse(last.openedAt), last.id]) : null };
  });

  app.get('/v1/admin/tickets/:id', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const ticket = await tickets.get((request.params as { id: string }).id);
    return ticket ?? sendError(reply, 404, 'not_found', 'no such ticket');
  });

  app.post('/v1/admin/tickets/:id/actions', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const action = parseBody(TicketActionRequestSchema, request, reply, 'invalid_action', 'the ticket action');
    if (!action) return reply;
    const result = await tickets.act((request.params as { id: string }).id, action.version, action.actor, action.event);
    if (result.status !== 'done') return sendActRefusal(reply, result);
    return (await tickets.get(result.row.id))!;
  });

  // Tickets dispatched from above (12345, the province, the city), opened like a 差评 rated here,
  // with the dispatching system's own token (never the admin token) and only for its halls.
  app.post('/v1/tickets/dispatched', async (request, reply) => {
    const dispatcher = dispatchers.identify(bearerOf(request));
    if (!dispatcher) return sendError(reply, 401, 'unauthorized', "a dispatching system's token is required");
    const dispatch = parseBody(DispatchedTicketSchema, request, reply, 'invalid_dispatch', 'the dispatched ticket');
    if (!dispatch) return reply;
    if (!dispatcher.halls.has(dispatch.hallCode)) return sendError(reply, 403, 'hall_not_allowed', `${dispatcher.id} may not dispatch to hall ${dispatch.hallCode}`);
    const result = await tickets.dispatched(dispatch, dispatcher.id);
    if (result.status === 'conflict') return sendError(reply, 409, 'conflict', 'a ticket with this source and number was dispatched with another body or by another system');
    return reply.code(result.status === 'created' ? 201 : 200).send(await tickets.get(result.id));
  });

  // The auditor's check: the whole action log, hash by hash.
  app.get('/v1/admin/tickets-log/verify', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    return tickets.verifyLog();
  });
}
