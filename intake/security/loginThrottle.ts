import { lockoutAfter } from '../../contract/pinLockout';
import type { ThrottleStore } from '../store/store';

/** Failures further apart than this start counting again. */
const FORGET_AFTER_MS = 24 * 3600 * 1000;
const HOUR_MS = 3600 * 1000;

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
  /** Failures of the login from all addresses in the last hour, this attempt included. */
  loginFailures: number;
}

/**
 * The lockouts of password logins (staff pairing, work-queue sign-in), kept in the database so
 * every node and every restart sees them: three failures of a login from one address are free,
 * then 30 s doubling up to an hour (contract/pinLockout.ts), for that address only; a login's
 * failures from all addresses together are capped per hour.
 *
 * An attempt is counted before its password is checked and forgotten only when it proves right.
 * Counted after the check, attempts sent together all read the same count and all got a check
 * (a reviewer sent ten wrong passwords at once across two nodes: ten checks where three are
 * free). Now each sees the attempts before it, finished or not, and one that would come after
 * the free ones while those are still recent is answered locked without a check. An attempt
 * the intake was too busy to check stays counted: it was made.
 */
export function createLoginThrottle(throttles: ThrottleStore, perLoginPerHour: number, now: () => number) {
  return {
    /** Counts the attempt and lets it through to its check, or says how long to wait. */
    async reserve(keys: LoginKeys): Promise<{ ok: true; reservation: Reservation } | { ok: false; retryAfterMs: number }> {
      const at = now();
      const [own, all] = await Promise.all([throttles.failuresOf(keys.pair), throttles.failuresOf(keys.login)]);
      const lockedUntil = Math.max(own?.lockedUntil ?? 0, all?.lockedUntil ?? 0);
      if (lockedUntil > at) return { ok: false, retryAfterMs: lockedUntil - at };
      const failures = await throttles.addFailure(keys.pair, at, at - FORGET_AFTER_MS);
      const loginFailures = await throttles.addFailure(keys.login, at, at - HOUR_MS);
      const before = failures - 1;
      // More before this one than were stored when it looked: others counted meanwhile, just now.
      const lastBefore = own === undefined || before > own.failures ? at : own.lastAt;
      const wait = lockoutAfter(before);
      if (wait > 0 && at - lastBefore < wait) return { ok: false, retryAfterMs: wait - (at - lastBefore) };
      if (loginFailures > perLoginPerHour) {
        await throttles.lock(keys.login, at + HOUR_MS);
        return { ok: false, retryAfterMs: HOUR_MS };
      }
      return { ok: true, reservation: { keys, failures, loginFailures } };
    },
    /** The attempt proved wrong: its failure stands, and the login is locked as its count says. Returns the wait. */
    async failed({ keys, failures, loginFailures }: Reservation): Promise<number> {
      const at = now();
      const wait = lockoutAfter(failures);
      if (wait > 0) await throttles.lock(keys.pair, at + wait);
      if (loginFailures >= perLoginPerHour) await throttles.lock(keys.login, at + HOUR_MS);
      return wait;
    },
    /** The attempt proved right: the login's failures from this address are forgotten. */
    succeeded: ({ keys }: Reservation): Promise<void> => throttles.clearFailures(keys.pair),
  };
}
