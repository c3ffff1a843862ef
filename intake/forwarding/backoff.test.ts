import { describe, expect, it } from 'vitest';
import { retryDelayMs, takeToken } from './backoff';

describe('retry backoff with full jitter', () => {
  const policy = { baseMs: 1_000, capMs: 60_000 };
  it('draws from [0, base · 2^(attempts-1)], capped', () => {
    expect(retryDelayMs(1, 0, policy)).toBe(0);
    expect(retryDelayMs(1, 0.999999, policy)).toBe(1_000);
    expect(retryDelayMs(3, 0.5, policy)).toBe(2_000);
    expect(retryDelayMs(4, 0.999999, policy)).toBe(8_000);
    expect(retryDelayMs(40, 0.999999, policy)).toBe(60_000);
    expect(retryDelayMs(3, 0.25, policy)).toBeLessThan(retryDelayMs(3, 0.75, policy));
  });
  it("honours the province's Retry-After as a floor, never past the cap", () => {
    expect(retryDelayMs(1, 0, policy, 5_000)).toBe(5_000);
    expect(retryDelayMs(1, 0, policy, 600_000)).toBe(60_000);
  });
});

describe('token bucket per destination', () => {
  it('lets a burst through, then spaces calls at the rate', () => {
    let bucket = { tokens: 2, at: 0 };
    const waits: number[] = [];
    let now = 0;
    for (let i = 0; i < 5; i++) {
      const taken = takeToken(bucket, now, 10, 2);
      waits.push(taken.wait);
      now += taken.wait;
      bucket = taken.bucket;
    }
    expect(waits).toEqual([0, 0, 100, 100, 100]);
    // A quiet second refills up to the burst, no more.
    expect(takeToken(bucket, now + 5_000, 10, 2)).toMatchObject({ wait: 0, bucket: { tokens: 1 } });
  });
});
