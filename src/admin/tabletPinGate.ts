import { scryptAsync } from '@noble/hashes/scrypt';
import { lockoutAfter, parsePinHash } from '../../contract/pinLockout';
import type { EvaluatorDb, PinLockout } from '../data/db';
import type { PinResult } from './adminStore';

const PIN_HASH_KEY = 'tabletAdminPinHash';
const LOCKOUT_KEY = 'tabletPinLockout';

/**
 * Attempts run one after another per database: each reads the failure count, hashes, then writes
 * it, so overlapping attempts (a keyboard typing PINs fast) would otherwise all count as one.
 */
const inFlight = new WeakMap<EvaluatorDb, Promise<unknown>>();

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** Compares in time independent of where the first difference is. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Keeps the bundle's admin PIN hash on a tablet, which has no host to check the PIN for it. */
export async function storeTabletPinHash(db: EvaluatorDb, hash: string | undefined): Promise<void> {
  if (hash === undefined) await db.meta.delete(PIN_HASH_KEY);
  else await db.meta.put({ key: PIN_HASH_KEY, value: hash });
}

/**
 * The admin PIN on a host-less tablet: the same scrypt hash `npm run pin-hash` writes and the
 * same lockout as the host (three free tries, then 30 s doubling up to an hour, even the right PIN
 * refused while locked). The lockout is kept in IndexedDB, so a reload does not reset it.
 */
export function createTabletPinGate(db: EvaluatorDb, now: () => number = Date.now) {
  return {
    attempt(pin: string): Promise<PinResult> {
      const run = (inFlight.get(db) ?? Promise.resolve()).then(() => attemptNow(pin));
      inFlight.set(db, run.catch(() => undefined));
      return run;
    },
  };

  async function attemptNow(pin: string): Promise<PinResult> {
    const [hashRow, lockoutRow] = await Promise.all([db.meta.get(PIN_HASH_KEY), db.meta.get(LOCKOUT_KEY)]);
    const stored = typeof hashRow?.value === 'string' ? parsePinHash(hashRow.value) : null;
    if (!stored) return { ok: false, reason: 'notConfigured', retryAfterMs: 0 };
    const lockout = (lockoutRow?.value as PinLockout | undefined) ?? { failures: 0, lockedUntilMs: 0 };
    const at = now();
    if (at < lockout.lockedUntilMs) return { ok: false, reason: 'locked', retryAfterMs: lockout.lockedUntilMs - at };
    const expected = fromBase64(stored.hash);
    const actual = await scryptAsync(new TextEncoder().encode(pin), fromBase64(stored.salt), { N: stored.N, r: 8, p: 1, dkLen: expected.length });
    if (sameBytes(actual, expected)) {
      await db.meta.put({ key: LOCKOUT_KEY, value: { failures: 0, lockedUntilMs: 0 } satisfies PinLockout });
      return { ok: true, retryAfterMs: 0 };
    }
    const failures = lockout.failures + 1;
    const wait = lockoutAfter(failures);
    await db.meta.put({ key: LOCKOUT_KEY, value: { failures, lockedUntilMs: at + wait } satisfies PinLockout });
    return { ok: false, reason: 'wrong', retryAfterMs: wait };
  }
}
