import type { FastifyInstance } from 'fastify';
import { CASE_EVENT_MAX_BYTES, CaseEventSchema } from '../contract/caseEvent';
import { NUL_MESSAGE, nulPaths } from '../contract/nulText';
import type { DeviceContext } from '../contract/hallConfig';
import type { Invitation } from '../contract/invitation';
import { StaffLoginEventSchema, type StaffLoginEvent } from '../contract/staffSession';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { issuesFrom, sendError } from './httpErrors';
import type { InvitationQueue } from './invitationQueue';
import { secretsEqual } from './secrets';

export interface CaseEventRouteOptions {
  queue: InvitationQueue;
  context: () => DeviceContext;
  caseEventToken: string;
  isOwnOrigin: (origin: string) => boolean;
  onInvitation: (invitation: Invitation) => void;
  /** The window business system's staff login or logout at this window. */
  onStaffEvent?: (event: StaffLoginEvent) => void;
  /** False when the hall pairs staff by code only (policies.staffPairing). */
  staffEventsAccepted?: boolean;
}

/**
 * POST /api/case-events: the window business system announces an accepted or closed case.
 * Refusals (wrong token, foreign origin, bad or oversized body, wrong window) change nothing.
 */
export async function caseEventRoute(app: FastifyInstance, options: CaseEventRouteOptions): Promise<void> {
  /** The window business system's requests: own origin (or none) and the device's bearer token. */
  const refused = (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (origin !== undefined && !options.isOwnOrigin(origin)) {
      return sendError(reply, 403, 'forbidden_origin', `requests are not accepted from origin ${origin}`);
    }
    const auth = request.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : '';
    if (!token || !secretsEqual(token, options.caseEventToken)) {
      reply.header('WWW-Authenticate', 'Bearer realm="case-events"');
      return sendError(reply, 401, 'unauthorized', 'a valid "Authorization: Bearer <case event token>" header is required');
    }
    return null;
  };

  // Staff login/logout at this window, from the window business system (the other way to pair).
  app.post('/api/staff-session', { bodyLimit: CASE_EVENT_MAX_BYTES }, async (request, reply) => {
    const refusal = refused(request, reply);
    if (refusal) return refusal;
    if (options.staffEventsAccepted === false) {
      return sendError(reply, 409, 'login_events_off', 'this hall signs staff in with the pairing code only (policies.staffPairing)');
    }
    const parsed = StaffLoginEventSchema.safeParse(request.body);
    if (!parsed.success) {
      return sendError(reply, 400, 'invalid_staff_event', 'the staff login event does not match the schema', issuesFrom(parsed.error.issues));
    }
    const nul = nulPaths(parsed.data);
    if (nul.length > 0) return sendError(reply, 400, 'invalid_staff_event', `${nul.join(', ')} ${NUL_MESSAGE}`);
    options.onStaffEvent?.(parsed.data);
    return reply.code(200).send({ status: parsed.data.event === 'login' ? 'signed-in' : 'signed-out' });
  });

  app.post('/api/case-events', { bodyLimit: CASE_EVENT_MAX_BYTES }, async (request, reply) => {
    const refusal = refused(request, reply);
    if (refusal) return refusal;
    const parsed = CaseEventSchema.safeParse(request.body);
    if (!parsed.success) {
      return sendError(reply, 400, 'invalid_case_event', 'the case event does not match the schema', issuesFrom(parsed.error.issues));
    }
    // Refused here, it never reaches an invitation, a report or an outcome the intake would refuse.
    const nul = nulPaths(parsed.data);
    if (nul.length > 0) return sendError(reply, 400, 'invalid_case_event', `${nul.join(', ')} ${NUL_MESSAGE}`);
    const event = parsed.data;
    const window = options.context().window;
    if (event.windowNo !== undefined && event.windowNo !== window.no) {
      return sendError(reply, 422, 'wrong_window', `this device serves window ${window.no}, not ${event.windowNo}`);
    }
    const result = options.queue.enqueue(event);
    if (result.status === 'full') {
      reply.header('Retry-After', '5');
      return sendError(reply, 503, 'queue_full', 'too many invitations are waiting for the rating screen; retry later');
    }
    if (result.status === 'unrecorded') {
      // A 202 promises the invitation survives a power cut; without a durable record there is no promise to make.
      reply.header('Retry-After', '5');
      return sendError(reply, 503, 'not_recorded', 'the host could not record the case event durably; retry later');
    }
    if (result.status === 'duplicate') return reply.code(200).send({ status: 'duplicate', invitationId: result.invitationId });
    options.onInvitation(result.invitation);
    // Answered only after the invitation is on disk (the queue's journal fsyncs before enqueue returns).
    return reply.code(202).send({ status: 'queued', invitationId: result.invitation.id });
  });
}
