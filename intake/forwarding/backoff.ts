/**
 * When to try a record again, and how fast a destination may be called: pure decisions, the
 * runner (forwarder.ts) only applies them.
 */
export interface BackoffPolicy {
  /** The ceiling of the first retry's delay. */
  baseMs: number;
  /** No retry waits longer than this. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 15 * 60_000 };

/**
 * "Full jitter": a delay drawn evenly from [0, min(cap, base · 2^(attempts-1))], so that records
 * failed together do not come back together. `random` is in [0, 1). A province's Retry-After is
 * honoured as a floor (never beyond the cap).
 */
export function retryDelayMs(attempts: number, random: number, policy: BackoffPolicy = DEFAULT_BACKOFF, retryAfterMs?: number): number {
  const exponent = Math.min(Math.max(attempts, 1) - 1, 30);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  const jittered = Math.floor(Math.min(Math.max(random, 0), 0.999999) * (ceiling + 1));
  return Math.min(policy.capMs, Math.max(jittered, retryAfterMs ?? 0));
}

/**
 * A token bucket per destination: `ratePerSec` calls a second on average, at most `burst` at once.
 * `take` says how long to wait before the next call may start (0: now) and returns the new state.
 */
export interface Bucket {
  tokens: number;
  at: number;
}

export function takeToken(bucket: Bucket, now: number, ratePerSec: number, burst: number): { wait: number; bucket: Bucket } {
  const refilled = Math.min(burst, bucket.tokens + ((now - bucket.at) * ratePerSec) / 1000);
  if (refilled >= 1) return { wait: 0, bucket: { tokens: refilled - 1, at: now } };
  const wait = Math.ceil(((1 - refilled) * 1000) / ratePerSec);
  // The token taken at now + wait is spent at once.
  return { wait, bucket: { tokens: 0, at: now + wait } };
}
