import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Person, SignedInPerson } from '../../contract/people';
import { hashPin, verifyPinAsync } from '../../shared-node/adminPin';
import { taskLimiter } from '../pairing/staffLogin';
import { createLoginThrottle } from '../security/loginThrottle';
import type { ThrottleStore } from '../store/store';

/** Failures of one login from all addresses together, per hour, before it waits out the hour. */
export const SIGN_IN_FAILURES_PER_HOUR = 100;
/** Checks waiting beyond this are not queued: the caller is told to come back (503). */
const CHECKS_WAITING_MAX = 100;

const UNKNOWN_LOGIN_HASH = hashPin('no such person');
// Keys of their own, apart from the pairing logins' (a person and a staff login may share a name).
const keyOf = (...parts: string[]) => createHash('sha256').update(['person', ...parts].join('\n')).digest('hex');

export type SignInAttempt = { ok: true; person: SignedInPerson } | { ok: false; locked: boolean; retryAfterMs: number } | { ok: false; busy: true };

/**
 * Sign-in of the people who work tickets (issue 23), as staff pairing checks its logins
 * (intake/pairing/staffLogin.ts): scrypt on the thread pool a core's worth at a time, the same
 * work and answers whether the login exists or not; failures per login and address, each attempt
 * counted before its check (security/loginThrottle.ts): from the third, 30 s doubling up to an
 * hour (contract/pinLockout.ts), for that address only; failures of a login from all addresses
 * capped per hour; all of it in the database (a restart forgets nothing).
 */
export function createSignIn(people: Person[], throttles: ThrottleStore, now: () => number = Date.now) {
  const byLogin = new Map(people.map((p) => [p.login, p]));
  const checking = taskLimiter(Math.max(1, availableParallelism() - 1), CHECKS_WAITING_MAX);
  const keys = (login: string, address: string) => ({ pair: keyOf('login+address', login, address), login: keyOf('login', login) });
  const throttle = createLoginThrottle(throttles, SIGN_IN_FAILURES_PER_HOUR, now);

  return {
    async attempt(login: string, password: string, address: string): Promise<SignInAttempt> {
      const reserved = await throttle.reserve(keys(login, address));
      if (!reserved.ok) return { ok: false, locked: true, retryAfterMs: reserved.retryAfterMs };
      const entry = byLogin.get(login);
      const checked = await checking(() => verifyPinAsync(password, entry?.passwordHash ?? UNKNOWN_LOGIN_HASH));
      if (checked === null) return { ok: false, busy: true };
      if (!checked || !entry) return { ok: false, locked: false, retryAfterMs: await throttle.failed(reserved.reservation) };
      await throttle.succeeded(reserved.reservation);
      const { passwordHash: _hash, ...person } = entry;
      return { ok: true, person };
    },
    /** The person as configured now (a session outlives nothing removed from the config). */
    current: (login: string): SignedInPerson | undefined => {
      const entry = byLogin.get(login);
      if (!entry) return undefined;
      const { passwordHash: _hash, ...person } = entry;
      return person;
    },
  };
}

export type SignIn = ReturnType<typeof createSignIn>;
