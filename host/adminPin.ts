import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

const N = 16384;

/** "scrypt$<N>$<salt b64>$<hash b64>": what a hall config stores instead of the admin PIN. */
export function hashPin(pin: string, salt: Buffer = randomBytes(16)): string {
  const hash = scryptSync(pin, salt, 32, { N });
  return `scrypt$${N}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function verifyPin(pin: string, stored: string): boolean {
  const [scheme, n, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(pin, Buffer.from(salt, 'base64'), expected.length, { N: Number(n) });
  return timingSafeEqual(actual, expected);
}

export type PinAttempt = { ok: true } | { ok: false; reason: 'wrong' | 'locked'; retryAfterMs: number; failures: number };

/** Free attempts before the first lockout; each further failure doubles the wait. */
export const FREE_ATTEMPTS = 3;
export const FIRST_LOCKOUT_MS = 30_000;
export const MAX_LOCKOUT_MS = 60 * 60 * 1000;

/**
 * The kiosk's admin PIN with lockout: after three wrong PINs every attempt waits 30 s, then
 * 60 s, 120 s … up to an hour. While locked, even the right PIN is refused. A success resets.
 */
export function createPinGate(stored: string, now: () => number = Date.now) {
  let failures = 0;
  let lockedUntil = 0;
  return {
    attempt(pin: string): PinAttempt {
      const at = now();
      if (at < lockedUntil) return { ok: false, reason: 'locked', retryAfterMs: lockedUntil - at, failures };
      if (verifyPin(pin, stored)) {
        failures = 0;
        lockedUntil = 0;
        return { ok: true };
      }
      failures++;
      const over = failures - FREE_ATTEMPTS;
      const wait = over >= 0 ? Math.min(MAX_LOCKOUT_MS, FIRST_LOCKOUT_MS * 2 ** over) : 0;
      lockedUntil = at + wait;
      return { ok: false, reason: 'wrong', retryAfterMs: wait, failures };
    },
  };
}
