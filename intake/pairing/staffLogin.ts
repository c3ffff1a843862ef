import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { StaffCard, StaffDirectory } from '../../contract/staffSession';
import { hashPin, verifyPinAsync } from '../../shared-node/adminPin';
import { createLoginThrottle, type Reservation } from '../security/loginThrottle';
import type { IntakeStore } from '../store/store';

/** Failures of one login from all addresses together, per hour, before it waits out the hour. */
export const LOGIN_FAILURES_PER_HOUR = 100;

const UNKNOWN_LOGIN_HASH = hashPin('no such login');
/**
 * Password checks at once: scrypt is CPU work for seconds under a flood, and on the thread pool it
 * would take every core from the event loop; one core is left to answer everyone else.
 */
const CHECKS_AT_ONCE = Math.max(1, availableParallelism() - 1);
/** Checks waiting beyond this are not queued: the caller is told to come back (503). */
export const CHECKS_WAITING_MAX = 100;
const keyOf = (...parts: string[]) => createHash('sha256').update(parts.join('\n')).digest('hex');

export type LoginAttempt = { ok: true; staff: StaffCard; reservation: Reservation } | { ok: false; locked: boolean; retryAfterMs: number } | { ok: false; busy: true };

/** Runs at most `limit` tasks at once; refuses (null) when `waitingMax` are already waiting. */
export function taskLimiter(limit: number, waitingMax: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T | null> => {
    if (running >= limit) {
      if (waiting.length >= waitingMax) return null;
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * The reference intake's staff logins, checked the same way whether the login exists or not
 * (same answers, same scrypt work, same lockouts: nothing tells which logins exist):
 * - the scrypt check runs on the thread pool, never on the event loop, a core's worth at a time
 *   (more waiting than CHECKS_WAITING_MAX are told to come back: 503);
 * - failures (wrong passwords, and wrong pairing codes given with a right password) count per
 *   login and address, each attempt before its check (security/loginThrottle.ts): three are
 *   free, then 30 s doubling up to an hour. A lockout holds for that address only, so nobody can
 *   lock a staff member out from elsewhere;
 * - failures of one login from all addresses together are capped per hour;
 * - all of it is kept in the database: a restart forgets nothing.
 * The request rate per address is limited before any of this (@fastify/rate-limit).
 */
export function createStaffLogin(directory: StaffDirectory, store: IntakeStore, now: () => number = Date.now) {
  const byLogin = new Map(directory.map((entry) => [entry.loginName, entry]));
  const checking = taskLimiter(CHECKS_AT_ONCE, CHECKS_WAITING_MAX);
  const keys = (loginName: string, address: string) => ({ pair: keyOf('login+address', loginName, address), login: keyOf('login', loginName) });
  const throttle = createLoginThrottle(store.throttles, LOGIN_FAILURES_PER_HOUR, now);

  return {
    /** Checks a login's password; a right password is not yet a success (the code may be wrong): the caller ends it with missedCode or succeeded. */
    async attempt(loginName: string, password: string, address: string): Promise<LoginAttempt> {
      const reserved = await throttle.reserve(keys(loginName, address));
      if (!reserved.ok) return { ok: false, locked: true, retryAfterMs: reserved.retryAfterMs };
      const entry = byLogin.get(loginName);
      // An unknown login costs the same scrypt as a known one, so times tell nothing either.
      const checked = await checking(() => verifyPinAsync(password, entry?.passwordHash ?? UNKNOWN_LOGIN_HASH));
      if (checked === null) return { ok: false, busy: true };
      const valid = checked && entry !== undefined;
      if (!valid || !entry) return { ok: false, locked: false, retryAfterMs: await throttle.failed(reserved.reservation) };
      const { passwordHash: _hash, ...staff } = entry;
      return { ok: true, staff, reservation: reserved.reservation };
    },
    /** A right password with a code that is no device's now: counted as a failure (codes cannot be walked). */
    missedCode: (reservation: Reservation): Promise<number> => throttle.failed(reservation),
    /** Paired: the login's failures from this address are forgotten. */
    succeeded: (reservation: Reservation): Promise<void> => throttle.succeeded(reservation),
  };
}

export type StaffLogin = ReturnType<typeof createStaffLogin>;
