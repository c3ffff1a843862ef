import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { lockoutAfter } from '../../contract/pinLockout';
import type { StaffCard, StaffDirectory } from '../../contract/staffSession';
import { hashPin, verifyPinAsync } from '../../shared-node/adminPin';
import type { IntakeStore } from '../store/store';

/** Failures further apart than this start counting again. */
const FORGET_AFTER_MS = 24 * 3600 * 1000;
/** Failures of one login from all addresses together, per hour, before it waits out the hour. */
export const LOGIN_FAILURES_PER_HOUR = 100;
const HOUR_MS = 3600 * 1000;

const UNKNOWN_LOGIN_HASH = hashPin('no such login');
/**
 * Password checks at once: scrypt is CPU work for seconds under a flood, and on the thread pool it
 * would take every core from the event loop; one core is left to answer everyone else.
 */
const CHECKS_AT_ONCE = Math.max(1, availableParallelism() - 1);
/** Checks waiting beyond this are not queued: the caller is told to come back (503). */
export const CHECKS_WAITING_MAX = 100;
const keyOf = (...parts: string[]) => createHash('sha256').update(parts.join('\n')).digest('hex');

export type LoginAttempt = { ok: true; staff: StaffCard } | { ok: false; locked: boolean; retryAfterMs: number } | { ok: false; busy: true };

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
 *   login and address: three are free, then 30 s doubling up to an hour. A lockout holds for that
 *   address only, so nobody can lock a staff member out from elsewhere;
 * - failures of one login from all addresses together are capped per hour;
 * - all of it is kept in the database: a restart forgets nothing.
 * The request rate per address is limited before any of this (@fastify/rate-limit).
 */
export function createStaffLogin(directory: StaffDirectory, store: IntakeStore, now: () => number = Date.now) {
  const byLogin = new Map(directory.map((entry) => [entry.loginName, entry]));
  const checking = taskLimiter(CHECKS_AT_ONCE, CHECKS_WAITING_MAX);
  const keys = (loginName: string, address: string) => ({ pair: keyOf('login+address', loginName, address), login: keyOf('login', loginName) });

  /**
   * Counts one failure of the login from the address and says how long it is locked now. Each
   * write stands alone (the store counts atomically): no transaction, so no fsync on the event
   * loop per failure.
   */
  async function fail(loginName: string, address: string): Promise<number> {
    const { throttles } = store;
    const at = now();
    const { pair, login } = keys(loginName, address);
    const failures = await throttles.addFailure(pair, at, at - FORGET_AFTER_MS);
    const wait = lockoutAfter(failures);
    if (wait > 0) await throttles.lock(pair, at + wait);
    if ((await throttles.addFailure(login, at, at - HOUR_MS)) >= LOGIN_FAILURES_PER_HOUR) await throttles.lock(login, at + HOUR_MS);
    return wait;
  }

  return {
    /** Checks a login's password; a right password is not yet a success (the code may be wrong). */
    async attempt(loginName: string, password: string, address: string): Promise<LoginAttempt> {
      const at = now();
      const { pair, login } = keys(loginName, address);
      const [own, all] = await Promise.all([store.throttles.failuresOf(pair), store.throttles.failuresOf(login)]);
      const lockedUntil = Math.max(own?.lockedUntil ?? 0, all?.lockedUntil ?? 0);
      if (lockedUntil > at) return { ok: false, locked: true, retryAfterMs: lockedUntil - at };
      const entry = byLogin.get(loginName);
      // An unknown login costs the same scrypt as a known one, so times tell nothing either.
      const checked = await checking(() => verifyPinAsync(password, entry?.passwordHash ?? UNKNOWN_LOGIN_HASH));
      if (checked === null) return { ok: false, busy: true };
      const valid = checked && entry !== undefined;
      if (!valid || !entry) return { ok: false, locked: false, retryAfterMs: await fail(loginName, address) };
      const { passwordHash: _hash, ...staff } = entry;
      return { ok: true, staff };
    },
    /** A right password with a code that is no device's now: counted as a failure (codes cannot be walked). */
    missedCode: (loginName: string, address: string): Promise<number> => fail(loginName, address),
    /** Paired: the login's failures from this address are forgotten. */
    succeeded: (loginName: string, address: string): Promise<void> => store.throttles.clearFailures(keys(loginName, address).pair),
  };
}

export type StaffLogin = ReturnType<typeof createStaffLogin>;
