import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { parsePinHash } from '../contract/pinLockout';

/** Staff passwords: checked online only, behind rate limits and lockouts, many at once. */
export const PASSWORD_SCRYPT_N = 2 ** 14;
/** Admin PINs: a taken tablet's bundle holds the hash, so an offline search must be slow (docs/security.md). */
export const PIN_SCRYPT_N = 2 ** 17;

/** "scrypt$<N>$<salt b64>$<hash b64>": what a hall config stores instead of the admin PIN, and the intake instead of a password. */
export function hashPin(pin: string, salt: Buffer = randomBytes(16), N: number = PASSWORD_SCRYPT_N): string {
  const hash = scryptSync(pin, salt, 32, { N, maxmem: 256 * N * 8 });
  return `scrypt$${N}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export type PinAttempt = { ok: true } | { ok: false; reason: 'wrong' | 'locked'; retryAfterMs: number; failures: number };

/** Room for scrypt's 128·N·r bytes at any N the hash may name (Node refuses above 32 MiB by default). */
const scryptAsync = (password: string, salt: Buffer, keylen: number, N: number) =>
  new Promise<Buffer>((resolve, reject) => scrypt(password, salt, keylen, { N, maxmem: 256 * N * 8 }, (error, key) => (error ? reject(error) : resolve(key))));

/**
 * Checks a PIN or password against its stored hash on libuv's thread pool instead of the event
 * loop: a server checking passwords for many callers keeps answering everyone else meanwhile.
 * (The host's admin PIN, with its persisted lockout, is host/adminPinGate.ts.)
 */
export async function verifyPinAsync(pin: string, stored: string): Promise<boolean> {
  const parsed = parsePinHash(stored);
  if (!parsed) return false;
  const expected = Buffer.from(parsed.hash, 'base64');
  const actual = await scryptAsync(pin, Buffer.from(parsed.salt, 'base64'), expected.length, parsed.N);
  return timingSafeEqual(actual, expected);
}
