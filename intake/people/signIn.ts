import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { lockoutAfter } from '../../contract/pinLockout';
import type { Person, SignedInPerson } from '../../contract/people';
import { hashPin, verifyPinAsync } from '../../shared-node/adminPin';
import { taskLimiter } from '../pairing/staffLogin';
import type { ThrottleStore } from '../store/store';

/** Failures further apart than this start counting again. */
const FORGET_AFTER_MS = 24 * 3600 * 1000;
/** Failures of one login from all addresses together, per hour, before it waits out the hour. */
export const SIGN_IN_FAILURES_PER_HOUR = 100;
const HOUR_MS = 3600 * 1000;
/** Checks waiting beyond this are not queued: the caller is told to come back (503). */
const CHECKS_WAITING_MAX = 100;

const UNKNOWN_LOGIN_HASH = hashPin('no such person');
// Keys of their own, apart from the pairing logins' (a person and a staff login may share a name).
const keyOf = (...parts: string[]) => createHash('sha256').update(['person', ...parts].join('\n')).digest('hex');

export type SignInAttempt = { ok: true; person: SignedInPerson } | { ok: false; locked: boolean; retryAfterMs: number } | { ok: false; busy: true };

/**
 * Sign-in of the people who work tickets (issue 23), as staff pairing checks its logins
 * (intake/pairing/staffLogin.ts): scrypt on the thread pool a core's worth at a time, the same
 * work and answers whether the login exists or not; failures per login and address: from the third,
 * 30 s doubling up to an hour (contract/pinLockout.ts), for that address only; failures of a
 * login from all addresses capped per hour; all of it in the database (a restart forgets nothing).
 */
export function createSignIn(people: Person[], throttles: ThrottleStore, now: () => number = Date.now) {
  const byLogin = new Map(people.map((p) => [p.login, p]));
  const checking = taskLimiter(Math.max(1, availableParallelism() - 1), CHECKS_WAITING_MAX);
  const keys = (login: string, address: string) => ({ pair: keyOf('login+address', login, address), login: keyOf('login', login) });

  async function fail(login: string, address: string): Promise<number> {
    const at = now();
    const { pair, login: all } = keys(login, address);
    const wait = lockoutAfter(await throttles.addFailure(pair, at, at - FORGET_AFTER_MS));
    if (wait > 0) await throttles.lock(pair, at + wait);
    if ((await throttles.addFailure(all, at, at - HOUR_MS)) >= SIGN_IN_FAILURES_PER_HOUR) await throttles.lock(all, at + HOUR_MS);
    return wait;
  }

  return {
    async attempt(login: string, password: string, address: string): Promise<SignInAttempt> {
      const at = now();
      const { pair, login: all } = keys(login, address);
      const [own, total] = await Promise.all([throttles.failuresOf(pair), throttles.failuresOf(all)]);
      const lockedUntil = Math.max(own?.lockedUntil ?? 0, total?.lockedUntil ?? 0);
      if (lockedUntil > at) return { ok: false, locked: true, retryAfterMs: lockedUntil - at };
      const entry = byLogin.get(login);
      const checked = await checking(() => verifyPinAsync(password, entry?.passwordHash ?? UNKNOWN_LOGIN_HASH));
      if (checked === null) return { ok: false, busy: true };
      if (!checked || !entry) return { ok: false, locked: false, retryAfterMs: await fail(login, address) };
      await throttles.clearFailures(pair);
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
