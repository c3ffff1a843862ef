import { describe, expect, it } from 'vitest';
import { DEFAULT_SESSION_LIMITS, sessionLive } from './sessionRules';

const limits = { idleMs: 100, maxMs: 1000 };

describe('session limits', () => {
  it('keeps a session in use alive up to the idle limit, inclusive', () => {
    expect(sessionLive({ signedInAt: 0, seenAt: 0 }, 100, limits)).toBe(true);
    expect(sessionLive({ signedInAt: 0, seenAt: 0 }, 101, limits)).toBe(false);
    expect(sessionLive({ signedInAt: 0, seenAt: 900 }, 1000, limits)).toBe(true);
  });
  it('ends a session past its whole length however busy it is', () => {
    expect(sessionLive({ signedInAt: 0, seenAt: 1000 }, 1001, limits)).toBe(false);
    expect(sessionLive({ signedInAt: 5000, seenAt: 5990 }, 6000, limits)).toBe(true);
    expect(sessionLive({ signedInAt: 5000, seenAt: 5990 }, 6001, limits)).toBe(false);
  });
  it('takes a request at the very time of sign-in', () => {
    expect(sessionLive({ signedInAt: 500, seenAt: 500 }, 500, limits)).toBe(true);
  });
  it('refuses times out of order (seen before sign-in, or in the future)', () => {
    expect(sessionLive({ signedInAt: 50, seenAt: 49 }, 60, limits)).toBe(false);
    expect(sessionLive({ signedInAt: 0, seenAt: 61 }, 60, limits)).toBe(false);
  });
  it('defaults to half an hour idle and ten hours in all', () => {
    expect(DEFAULT_SESSION_LIMITS).toEqual({ idleMs: 1_800_000, maxMs: 36_000_000 });
  });
});
