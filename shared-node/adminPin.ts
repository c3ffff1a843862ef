import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { lockoutAfter, parsePinHash } from '../contract/pinLockout';

const N = 16384;

/** "scrypt$<N>$<salt b64>$<hash b64>": what a hall config stores instead of the admin PIN. */
export function hashPin(pin: string, salt: Buffer = randomBytes(16)): string {
  const hash = scryptSync(pin, salt, 32, { N });
  return `scrypt$${N}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function verifyPin(pin: string, stored: string): boolean {
  const parsed = parsePinHash(stored);
  if (!parsed) return false;
  const expected = Buffer.from(parsed.hash, 'base64');
  const actual = scryptSync(pin, Buffer.from(parsed.salt, 'base64'), expected.length, { N: parsed.N });
  return timingSafeEqual(actual, expected);
}

export type PinAttempt = { ok: true } | { ok: false; reason: 'wrong' | 'locked'; retryAfterMs: number; failures: number };


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
      const wait = lockoutAfter(failures);
      lockedUntil = at + wait;
      return { ok: false, reason: 'wrong', retryAfterMs: wait, failures };
    },
  };
}

const scryptAsync = (password: string, salt: Buffer, keylen: number, N: number) =>
  new Promise<Buffer>((resolve, reject) => scrypt(password, salt, keylen, { N, maxmem: 256 * N * 8 }, (error, key) => (error ? reject(error) : resolve(key))));

/**
 * verifyPin on libuv's thread pool instead of the event loop: a server checking passwords for
 * many callers keeps answering everyone else meanwhile.
 */
export async function verifyPinAsync(pin: string, stored: string): Promise<boolean> {
  const parsed = parsePinHash(stored);
  if (!parsed) return false;
  const expected = Buffer.from(parsed.hash, 'base64');
  const actual = await scryptAsync(pin, Buffer.from(parsed.salt, 'base64'), expected.length, parsed.N);
  return timingSafeEqual(actual, expected);
}
