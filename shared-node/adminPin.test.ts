import { describe, expect, it } from 'vitest';
import { scryptSync } from 'node:crypto';
import { hashPin, verifyPinAsync } from './adminPin';

describe('admin PIN', () => {
  const stored = hashPin('2468');

  it('stores only a salted scrypt hash', () => {
    expect(stored).toMatch(/^scrypt\$16384\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(stored).not.toContain('2468');
    expect(hashPin('2468')).not.toBe(stored);
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

  it('verifies a hash of any cost the host accepts: N = 2^15 needs more than Node\'s default 32 MiB', async () => {
    const costly = `scrypt$32768$${Buffer.alloc(16, 7).toString('base64')}$${scryptSync('2468', Buffer.alloc(16, 7), 32, { N: 32768, maxmem: 64 * 1024 * 1024 }).toString('base64')}`;
    expect(await verifyPinAsync('2468', costly)).toBe(true);
    expect(await verifyPinAsync('2469', costly)).toBe(false);
  });
});
