import { z } from 'zod';
import { PersonRoleSchema, TicketEventSchema } from './tickets';

export { PersonRoleSchema, type PersonRole } from './tickets';

/**
 * People who work the 差评 tickets at the intake (issue 23) and what their sign-in and work-queue
 * requests look like. Who may do what is in intake/people/access.ts.
 */

const login = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected 1–64 letters, digits, ".", "-" or "_"');

/** One person in the intake config: the password only as `npm run pin-hash` writes it (scrypt). */
export const PersonSchema = z
  .object({
    login,
    name: z.string().trim().min(1).max(64),
    role: PersonRoleSchema,
    /** The department a handler works for (required for a handler); a reviewer's own department, if any. */
    department: z.string().trim().min(1).max(100).optional(),
    /** The ids this person is rated under at a window (staff login name, 工号): never the reviewer of those ratings' appeals. */
    staffIds: z.array(z.string().trim().min(1).max(64)).max(10).default([]),
    passwordHash: z.string().regex(/^scrypt\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, 'expected the output of npm run pin-hash'),
  })
  .strict()
  .refine((p) => p.role !== 'handler' || p.department !== undefined, { message: 'a handler needs the department they work for', path: ['department'] });
export type Person = z.infer<typeof PersonSchema>;

export const PeopleSchema = z
  .array(PersonSchema)
  .max(5000)
  .refine((people) => new Set(people.map((p) => p.login)).size === people.length, 'every login appears once');

/** Who is signed in, as the work queue shows it (never the password hash). */
export type SignedInPerson = Omit<Person, 'passwordHash'>;

/** POST /v1/work/session: sign in. */
export const SignInRequestSchema = z.object({ login, password: z.string().min(1).max(200) }).strict();

/** POST /v1/work/tickets/{id}/actions: the event over the version seen; the actor is the signed-in person. */
export const WorkActionRequestSchema = z.object({ version: z.number().int().min(1), event: TicketEventSchema }).strict();
export type WorkActionRequest = z.infer<typeof WorkActionRequestSchema>;

/** What a sign-in, a refused one, a lockout or a sign-out puts into the intake's hash-chained action log (the auditor reads them). */
export const SessionEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sign_in') }).strict(),
  /** A wrong login or password, or a login still locked at that address (nothing checked). */
  z.object({ type: z.literal('sign_in_refused'), reason: z.enum(['wrong_credentials', 'locked']) }).strict(),
  /** This failure locked the login at the address for `lockedForMs`. */
  z.object({ type: z.literal('lockout'), lockedForMs: z.number().int().positive() }).strict(),
  z.object({ type: z.literal('sign_out') }).strict(),
]);
export type SessionEvent = z.infer<typeof SessionEventSchema>;

/** GET /v1/work/log/sessions: the newest session entries, a page at a time (before: the seq an earlier page ended at). */
export const SessionLogQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: z.coerce.number().int().min(1).optional(),
  })
  .strict();
