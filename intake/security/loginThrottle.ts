import { lockoutAfter } from '../../contract/pinLockout';
import type { ThrottleStore } from '../store/store';

/** Failures further apart than this start counting again. */
const FORGET_AFTER_MS = 24 * 3600 * 1000;
const HOUR_MS = 3600 * 1000;
/** The wait after each count of failures (contract/pinLockout.ts), for the store's one-step check; past the list, its last (an hour). */
const WAITS = Array.from({ length: 21 }, (_, failures) => lockoutAfter(failures));

/** The throttle keys of one attempt: the login from this address, and the login from anywhere. */
export interface LoginKeys {
  pair: string;
  login: string;
}

/** An attempt let through to its password check, counted as a failure until it proves right. */
export interface Reservation {
  keys: LoginKeys;
  /** Failures of the login from the address, this attempt included. */
  failures: number;
}

/**
 * The lockouts of password logins (staff pairing, work-queue sign-in), kept in the database so
 * every node and every restart sees them: three failures of a login from one address are free,
 * then 30 s doubling up to an hour (contract/pinLockout.ts), for that address only; a login's
 * failures from all addresses together are capped per hour.
 *
 * An attempt is counted before its password is checked, in one step with the decision that it may
 * be (ThrottleStore.reserveAttempt), and forgotten when it proves right. Counted after the check,
 * attempts sent together all read the same count and all got a check (a reviewer sent ten wrong
 * passwords at once across two nodes: ten checks where three are free). Now each sees those
 * before it, finished or not; one the count does not allow yet is answered with the wait and
 * changes nothing, so waiting as told is always enough. An attempt the intake was too busy to
 * check stays counted: it was made.
 */
export function createLoginThrottle(throttles: ThrottleStore, perLoginPerHour: number, now: () => number) {
  return {
    /** Counts the attempt and lets it through to its check, or says how long to wait. */
    async reserve(keys: LoginKeys): Promise<{ ok: true; reservation: Reservation } | { ok: false; retryAfterMs: number }> {
      const at = now();
      const all = await throttles.failuresOf(keys.login);
      if ((all?.lockedUntil ?? 0) > at) return { ok: false, retryAfterMs: all!.lockedUntil - at };
      const failures = await throttles.reserveAttempt(keys.pair, at, at - FORGET_AFTER_MS, WAITS);
      if (failures !== null) return { ok: true, reservation: { keys, failures } };
      const own = await throttles.failuresOf(keys.pair);
      const wait = own ? Math.max(own.lockedUntil - at, lockoutAfter(own.failures) - (at - own.lastAt)) : 0;
      // Gone between the step and the read (a success cleared it): a moment is enough.
      return { ok: false, retryAfterMs: Math.max(wait, 1) };
    },
    /** The attempt proved wrong: its failure stands, and the login is locked as the counts say. Returns the wait. */
    async failed({ keys, failures }: Reservation): Promise<number> {
      const at = now();
      const wait = lockoutAfter(failures);
      if (wait > 0) await throttles.lock(keys.pair, at + wait);
      if ((await throttles.addFailure(keys.login, at, at - HOUR_MS)) >= perLoginPerHour) await throttles.lock(keys.login, at + HOUR_MS);
      return wait;
    },
    /** The attempt proved right: the login's failures from this address are forgotten. */
    succeeded: ({ keys }: Reservation): Promise<void> => throttles.clearFailures(keys.pair),
  };
}
