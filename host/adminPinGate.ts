import { randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { lockoutAfter, MAX_LOCKOUT_MS, parsePinHash } from '../contract/pinLockout';
import type { PinAttempt } from '../shared-node/adminPin';

/** scrypt's cost bounds the host accepts: below 2^14 a guess is too cheap, above 2^20 (1 GiB) a check cannot run. */
export const MIN_N = 2 ** 14;
export const MAX_N = 2 ** 20;
const R = 8;
const P = 1;

export interface PinHashParams {
  N: number;
  salt: Buffer;
  hash: Buffer;
}

/**
 * Reads and checks an adminPinHash ("scrypt$N$salt$hash", r = 8, p = 1) when the host starts, so a
 * hash it cannot check fails the start with a reason instead of making every PIN wrong: N a power
 * of two in [2^14, 2^20], a salt of at least 16 bytes and a hash of 16–64 bytes.
 */
export function loadPinHash(stored: string): PinHashParams {
  const parsed = parsePinHash(stored);
  if (!parsed) throw new Error('adminPinHash is not "scrypt$N$salt$hash" (make it with npm run pin-hash)');
  const { N } = parsed;
  if (!Number.isSafeInteger(N) || N < MIN_N || N > MAX_N || (N & (N - 1)) !== 0) {
    throw new Error(`adminPinHash: scrypt N must be a power of two from ${MIN_N} to ${MAX_N}, got ${parsed.N}`);
  }
  const salt = Buffer.from(parsed.salt, 'base64');
  const hash = Buffer.from(parsed.hash, 'base64');
  if (salt.length < 16) throw new Error(`adminPinHash: the salt has ${salt.length} bytes, at least 16 are needed`);
  if (hash.length < 16 || hash.length > 64) throw new Error(`adminPinHash: the hash has ${hash.length} bytes, 16–64 are expected`);
  return { N, salt, hash };
}

/** scrypt on the thread pool, with the memory its N needs (Node's default 32 MiB cap refuses N ≥ 2^15 with r = 8). */
export function scryptPin(pin: string, params: PinHashParams): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(pin, params.salt, params.hash.length, { N: params.N, r: R, p: P, maxmem: 256 * params.N * R }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** What survives a restart: failures in a row, when the last one was, and until when the PIN is locked. */
interface LockoutState {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number;
}

/** One failure is forgotten for each quiet period this long: a citizen's tries do not add up for ever. */
export const FAILURE_DECAY_MS = 15 * 60 * 1000;

export interface PinGateOptions {
  stored: string;
  /** Where the lockout is kept (owner-only JSON); without it, in memory only (tests). */
  file?: string;
  now?: () => number;
  decayMs?: number;
  log?: (message: string) => void;
}

/**
 * The host's admin PIN gate: three free tries, then 30 s doubling up to an hour (even the right
 * PIN waits), a success clears it. Failures decay (one forgotten per quiet FAILURE_DECAY_MS) and
 * the state is written before each answer, so a restart gives no fresh tries. A lock is never
 * longer than its failures warrant, whatever the clock did meanwhile.
 */
export function createPersistentPinGate(options: PinGateOptions): { attempt(pin: string): Promise<PinAttempt> } {
  const params = loadPinHash(options.stored);
  const now = options.now ?? Date.now;
  const decayMs = options.decayMs ?? FAILURE_DECAY_MS;
  let state = readState(options.file, now, options.log);

  const decayed = (at: number): number => {
    const quiet = Math.max(0, at - state.lastFailureAt);
    return Math.max(0, state.failures - Math.floor(quiet / decayMs));
  };
  const save = (next: LockoutState) => {
    state = next;
    if (options.file) writeState(options.file, next);
  };

  // One check at a time: attempts sent together must not all pass the lock check before the
  // first failure is counted.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    attempt(pin) {
      const result = queue.then(() => check(pin));
      queue = result.catch(() => undefined);
      return result;
    },
  };

  async function check(pin: string): Promise<PinAttempt> {
    const at = now();
    const failures = decayed(at);
    // A clock set back must not stretch a lock: at most what these failures warrant from now.
    const lockedFor = Math.min(state.lockedUntil - at, lockoutAfter(failures), MAX_LOCKOUT_MS);
    if (lockedFor > 0) return { ok: false, reason: 'locked', retryAfterMs: lockedFor, failures };
    const actual = await scryptPin(pin, params);
    if (timingSafeEqual(actual, params.hash)) {
      if (state.failures !== 0 || state.lockedUntil !== 0) save({ failures: 0, lastFailureAt: 0, lockedUntil: 0 });
      return { ok: true };
    }
    const after = now();
    const counted = decayed(after) + 1;
    const wait = lockoutAfter(counted);
    save({ failures: counted, lastFailureAt: after, lockedUntil: after + wait });
    return { ok: false, reason: 'wrong', retryAfterMs: wait, failures: counted };
  }
}

function readState(file: string | undefined, now: () => number, log?: (message: string) => void): LockoutState {
  const fresh = { failures: 0, lastFailureAt: 0, lockedUntil: 0 };
  if (!file) return fresh;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return fresh;
  }
  try {
    const value = JSON.parse(text) as Partial<LockoutState>;
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);
    const failures = num(value.failures);
    const lastFailureAt = num(value.lastFailureAt);
    const lockedUntil = num(value.lockedUntil);
    if (failures !== null && lastFailureAt !== null && lockedUntil !== null) return { failures, lastFailureAt, lockedUntil };
  } catch {
    // fall through
  }
  // A damaged file must not hand out fresh tries: treat it as the longest lock.
  log?.(`admin PIN: ${file} is unreadable; the PIN stays locked for an hour`);
  return { failures: 20, lastFailureAt: now(), lockedUntil: now() + MAX_LOCKOUT_MS };
}

function writeState(file: string, state: LockoutState): void {
  const temp = `${file}.${randomUUID()}.tmp`;
  writeFileSync(temp, JSON.stringify(state), { mode: 0o600 });
  renameSync(temp, file);
}
