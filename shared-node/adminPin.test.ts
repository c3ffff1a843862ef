import { describe, expect, it } from 'vitest';
import { FIRST_LOCKOUT_MS, MAX_LOCKOUT_MS } from '../contract/pinLockout';
import { createPinGate, hashPin, verifyPin, verifyPinAsync } from './adminPin';

describe('admin PIN', () => {
  const stored = hashPin('2468');

  it('stores only a salted scrypt hash and verifies against it', () => {
    expect(stored).toMatch(/^scrypt\$16384\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(stored).not.toContain('2468');
    expect(hashPin('2468')).not.toBe(stored);
    expect(verifyPin('2468', stored)).toBe(true);
    expect(verifyPin('2469', stored)).toBe(false);
    expect(verifyPin('2468', 'plain$2468')).toBe(false);
  });

  it('verifies off the event loop with the same answers', async () => {
    expect(await verifyPinAsync('2468', stored)).toBe(true);
    expect(await verifyPinAsync('2469', stored)).toBe(false);
    expect(await verifyPinAsync('2468', 'plain$2468')).toBe(false);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await Promise.all(Array.from({ length: 6 }, () => verifyPinAsync('0000', stored)));
    clearInterval(timer);
    // Six scrypt checks on the event loop would let no timer fire until they were all done.
    expect(ticks).toBeGreaterThan(1);
  });

  it('locks out after three wrong PINs with a doubling wait, refusing even the right PIN meanwhile', () => {
    let clock = 0;
    const gate = createPinGate(stored, () => clock);
    expect(gate.attempt('0000')).toMatchObject({ ok: false, reason: 'wrong', retryAfterMs: 0 });
    expect(gate.attempt('1111')).toMatchObject({ ok: false, retryAfterMs: 0 });
    expect(gate.attempt('2222')).toMatchObject({ ok: false, retryAfterMs: FIRST_LOCKOUT_MS });
    expect(gate.attempt('2468')).toMatchObject({ ok: false, reason: 'locked', retryAfterMs: FIRST_LOCKOUT_MS });
    clock += FIRST_LOCKOUT_MS - 1;
    expect(gate.attempt('2468')).toMatchObject({ reason: 'locked', retryAfterMs: 1 });
    clock += 1;
    expect(gate.attempt('3333')).toMatchObject({ reason: 'wrong', retryAfterMs: 2 * FIRST_LOCKOUT_MS });
    clock += 2 * FIRST_LOCKOUT_MS;
    expect(gate.attempt('4444')).toMatchObject({ retryAfterMs: 4 * FIRST_LOCKOUT_MS });
    clock += 4 * FIRST_LOCKOUT_MS;
    expect(gate.attempt('2468')).toEqual({ ok: true });
    expect(gate.attempt('5555')).toMatchObject({ retryAfterMs: 0, failures: 1 });
  });

  it('never waits more than an hour', () => {
    let clock = 0;
    const gate = createPinGate(stored, () => clock);
    let last = 0;
    for (let i = 0; i < 20; i++) {
      const result = gate.attempt('0000');
      if (!result.ok) last = result.retryAfterMs;
      clock += MAX_LOCKOUT_MS;
    }
    expect(last).toBe(MAX_LOCKOUT_MS);
  });
});
