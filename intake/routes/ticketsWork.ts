import csrfProtection from '@fastify/csrf-protection';
import secureSession from '@fastify/secure-session';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SessionLogQuerySchema, SignInRequestSchema, WorkActionRequestSchema, type SignedInPerson } from '../../contract/people';
import { TicketListQuerySchema, type TicketEventType } from '../../contract/tickets';
import { actorOf, listScope, maySee, refusalOf } from '../people/access';
import { sessionLive, type SessionLimits } from '../people/sessionRules';
import type { SessionLog } from '../people/sessionLog';
import type { SignIn } from '../people/signIn';
import { checkEvidence, EVIDENCE_MAX_BYTES, EVIDENCE_TYPES, type EvidenceFiles } from '../tickets/evidence';
import type { Ticket } from '../tickets/ticketMachine';
import type { Tickets } from '../tickets/tickets';
import { decodeCursor, encodeCursor } from './cursor';
import { headerOf, parseBody, parseQuery, sendError } from './http';
import { sendActRefusal, sendUnknownEvidence } from './tickets';

declare module '@fastify/secure-session' {
  interface SessionData {
    login: string;
    signedInAt: number;
    seenAt: number;
    _csrf: string;
  }
}

export interface WorkRouteDeps {
  tickets: Tickets;
  evidence: EvidenceFiles;
  signIn: SignIn;
  /** Where sign-ins, refusals, lockouts and sign-outs are logged (the tickets' hash-chained log). */
  sessionLog: SessionLog;
  /** 32 bytes (libsodium secretbox) that encrypt and authenticate the session cookie. */
  sessionKey: Buffer;
  /** Send the cookie over HTTPS only (the intake is reached at an https:// address). */
  secureCookie: boolean;
  limits: SessionLimits;
  /** Sign-in attempts per minute and address. */
  signInPerMinute: number;
  now: () => number;
}

const COOKIE = 'hcp_work';

/** The steps this person may take on this ticket now: the machine's, less those their role forbids. */
const stepsFor = (person: SignedInPerson, view: { allowed: TicketEventType[]; ticket: Ticket }) => view.allowed.filter((step) => refusalOf(person, view.ticket, step) === null);

/**
 * The work queue of the people who run 差评 tickets (issue 23): sign-in with a password (scrypt,
 * lockout: intake/people/signIn.ts) into an encrypted, expiring session cookie
 * (@fastify/secure-session, HttpOnly, SameSite=Strict), a CSRF token (@fastify/csrf-protection)
 * on every POST, and the tickets as each role may see and act on them (intake/people/access.ts).
 * Every action goes through the same machine and hash-chained log as the admin-token routes
 * (which machines keep using), with the signed-in person as the actor.
 */
export async function registerWorkRoutes(app: FastifyInstance, deps: WorkRouteDeps): Promise<void> {
  const { tickets, evidence, signIn, sessionLog, limits, now } = deps;
  await app.register(async (scope) => {
    await scope.register(secureSession, {
      key: deps.sessionKey,
      cookieName: COOKIE,
      // The cookie's own limit; the idle and whole-length limits are checked on the intake's clock below.
      expiry: Math.ceil(limits.maxMs / 1000),
      cookie: { path: '/v1/work', httpOnly: true, sameSite: 'strict', secure: deps.secureCookie },
    });
    // The token travels in a header only: a cross-site form can neither read it nor set a header.
    await scope.register(csrfProtection, { sessionPlugin: '@fastify/secure-session', getToken: (request) => headerOf(request, 'x-csrf-token') });
    scope.addHook('onRequest', (request, reply, done) => (request.method === 'POST' ? scope.csrfProtection(request, reply, done) : done()));
    // Evidence arrives as the file itself, its type declared and then checked by its first bytes.
    scope.addContentTypeParser([...EVIDENCE_TYPES], { parseAs: 'buffer', bodyLimit: EVIDENCE_MAX_BYTES }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((error: { code?: string; message: string }, _request, reply) => {
      if (error.code === 'FST_CSRF_MISSING_SECRET' || error.code === 'FST_CSRF_INVALID_TOKEN') {
        return sendError(reply, 403, 'csrf_refused', 'the form token is missing or wrong: reload the page and try again');
      }
      // Everything else is answered as anywhere in the intake.
      throw error;
    });

    /** The signed-in person, their session still live (it is kept alive by use); null otherwise. */
    function personOf(request: FastifyRequest): SignedInPerson | null {
      const { session } = request;
      const login = session.get('login');
      const signedInAt = session.get('signedInAt');
      const seenAt = session.get('seenAt');
      if (login === undefined || signedInAt === undefined || seenAt === undefined) return null;
      const at = now();
      const person = signIn.current(login);
      if (!person || !sessionLive({ signedInAt, seenAt }, at, limits)) {
        session.delete();
        return null;
      }
      session.set('seenAt', at);
      return person;
    }
    function requirePerson(request: FastifyRequest, reply: FastifyReply): SignedInPerson | null {
      const person = personOf(request);
      if (!person) void sendError(reply, 401, 'signed_out', 'sign in to work on tickets (the session ended or never began)');
      return person;
    }

    // Who is signed in, and the CSRF token every POST of this page must carry.
    scope.get('/v1/work/session', async (request, reply) => ({ person: personOf(request), csrfToken: reply.generateCsrf() }));

    // Per address before any password is checked (the pairing route's limit: @fastify/rate-limit, shared by nodes when so configured).
    scope.post('/v1/work/session', { config: { rateLimit: { max: deps.signInPerMinute, timeWindow: 60_000 } } }, async (request, reply) => {
      const body = parseBody(SignInRequestSchema, request, reply, 'invalid_sign_in', 'the sign-in');
      if (!body) return reply;
      const attempt = await signIn.attempt(body.login, body.password, request.ip);
      // Every answer that checked or refused the login is logged; a busy intake checked nothing.
      const tried = { id: body.login, department: null };
      if (!attempt.ok) {
        if ('busy' in attempt) return sendError(reply.header('Retry-After', '5'), 503, 'busy', 'too many sign-ins at once; try again in a few seconds');
        await sessionLog.record(tried, { type: 'sign_in_refused', reason: attempt.locked ? 'locked' : 'wrong_credentials' }, request.ip);
        if (!attempt.locked && attempt.retryAfterMs > 0) await sessionLog.record(tried, { type: 'lockout', lockedForMs: attempt.retryAfterMs }, request.ip);
        if (attempt.locked) {
          return sendError(reply.header('Retry-After', String(Math.ceil(attempt.retryAfterMs / 1000))), 429, 'locked', `too many failed sign-ins; try again in ${Math.ceil(attempt.retryAfterMs / 1000)} s`);
        }
        return sendError(reply, 401, 'wrong_credentials', 'the login or the password is wrong');
      }
      // A new session (and so a new CSRF secret) at every sign-in: nothing carried over from before it.
      await sessionLog.record(actorOf(attempt.person), { type: 'sign_in' }, request.ip);
      const at = now();
      request.session.regenerate();
      request.session.set('login', attempt.person.login);
      request.session.set('signedInAt', at);
      request.session.set('seenAt', at);
      return { person: attempt.person, csrfToken: reply.generateCsrf() };
    });

    scope.post('/v1/work/session/end', async (request, reply) => {
      const person = personOf(request);
      if (person) await sessionLog.record(actorOf(person), { type: 'sign_out' }, request.ip);
      request.session.delete();
      return reply.code(204).send();
    });

    scope.get('/v1/work/tickets', async (request, reply) => {
      const person = requirePerson(request, reply);
      if (!person) return reply;
      const query = parseQuery(TicketListQuerySchema, request, reply);
      if (!query) return reply;
      const own = listScope(person);
      if (own !== null && query.department !== undefined && query.department !== own) return sendError(reply, 403, 'forbidden', "a handler sees only their own department's tickets");
      const after = query.after === undefined ? undefined : decodeCursor(query.after, ['n', 's']);
      if (after === null) return sendError(reply, 400, 'bad_cursor', 'after must be the next value of an earlier page');
      const { limit, after: _cursor, ...filter } = query;
      const page = await tickets.list({ ...filter, ...(own !== null ? { department: own } : {}) }, limit + 1, after ? { openedAt: after[0] as number, id: after[1] as string } : undefined);
      const shown = page.tickets.slice(0, limit);
      const last = shown[shown.length - 1];
      return {
        tickets: shown.map((view) => ({ ...view, mine: stepsFor(person, view) })),
        next: page.tickets.length > limit && last ? encodeCursor([Date.parse(last.openedAt), last.id]) : null,
      };
    });

    scope.get('/v1/work/tickets/:id', async (request, reply) => {
      const person = requirePerson(request, reply);
      if (!person) return reply;
      const view = await tickets.get((request.params as { id: string }).id);
      if (!view) return sendError(reply, 404, 'not_found', 'no such ticket');
      if (!maySee(person, view.department)) return sendError(reply, 403, 'forbidden', "a handler sees only their own department's tickets");
      return { ...view, mine: stepsFor(person, view), rating: view.outcomeId === null ? null : await tickets.ratingOf(view.outcomeId) };
    });

    scope.post('/v1/work/tickets/:id/actions', async (request, reply) => {
      const person = requirePerson(request, reply);
      if (!person) return reply;
      const action = parseBody(WorkActionRequestSchema, request, reply, 'invalid_action', 'the ticket action');
      if (!action) return reply;
      if (await sendUnknownEvidence(reply, evidence, action.event)) return reply;
      const id = (request.params as { id: string }).id;
      // Who may take the step is judged on the stored ticket, in the transaction that changes it.
      const result = await tickets.act(id, action.version, actorOf(person), action.event, (ticket) => refusalOf(person, ticket, action.event.type));
      if (result.status !== 'done') return sendActRefusal(reply, result);
      const view = (await tickets.get(id))!;
      return { ...view, mine: stepsFor(person, view) };
    });

    // An appeal's evidence: kept under its SHA-256, which the appeal then names.
    scope.post('/v1/work/evidence', async (request, reply) => {
      const person = requirePerson(request, reply);
      if (!person) return reply;
      if (person.role !== 'handler' && person.role !== 'manager') return sendError(reply, 403, 'forbidden', 'evidence is filed with an appeal, by a department handler or the hall manager');
      const bytes = request.body;
      if (!Buffer.isBuffer(bytes)) return sendError(reply, 415, 'wrong_type', `send the file itself as ${EVIDENCE_TYPES.join(', ')}`);
      const checked = checkEvidence(bytes, request.headers['content-type']?.split(';')[0]?.trim());
      if (!checked.ok) return sendError(reply, checked.code === 'too_large' ? 413 : checked.code === 'empty' ? 400 : 415, checked.code, checked.message);
      const kept = await evidence.put(bytes);
      return reply.code(201).send({ ...kept, type: checked.type });
    });

    scope.get('/v1/work/evidence/:sha256', async (request, reply) => {
      if (!requirePerson(request, reply)) return reply;
      const sha256 = (request.params as { sha256: string }).sha256;
      const file = await evidence.read(sha256);
      if (!file) return sendError(reply, 404, 'not_found', 'no evidence file with this SHA-256');
      const extension = file.type === 'application/pdf' ? 'pdf' : file.type === 'image/png' ? 'png' : 'jpg';
      return reply.type(file.type).header('content-disposition', `attachment; filename="${sha256}.${extension}"`).send(file.bytes);
    });

    // The auditor's (and the manager's) reading of who signed in, failed, was locked out or signed out.
    scope.get('/v1/work/log/sessions', async (request, reply) => {
      const person = requirePerson(request, reply);
      if (!person) return reply;
      if (person.role !== 'auditor' && person.role !== 'manager') return sendError(reply, 403, 'forbidden', 'sign-ins are read by the auditor or the hall manager');
      const query = parseQuery(SessionLogQuerySchema, request, reply);
      if (!query) return reply;
      const entries = await sessionLog.list(query.limit, query.before);
      const last = entries[entries.length - 1];
      return { entries, next: entries.length === query.limit && last ? last.seq : null };
    });

    // The auditor's (and the manager's) check of the whole action log, hash by hash.
    scope.get('/v1/work/log/verify', async (request, reply) => {
      const person = requirePerson(request, reply);
      if (!person) return reply;
      if (person.role !== 'auditor' && person.role !== 'manager') return sendError(reply, 403, 'forbidden', 'the log is verified by the auditor or the hall manager');
      return tickets.verifyLog();
    });
  });
}
