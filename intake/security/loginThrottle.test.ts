import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqliteStore';
import { createLoginThrottle } from './loginThrottle';

describe('login throttle', () => {
  let dir: string;
  let store: SqliteStore;
  let clock: number;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'throttle-'));
    store = openSqliteStore(path.join(dir, 'db.sqlite'));
    clock = 1_800_000_000_000;
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const keys = (address: string, login = 'zhangsan') => ({ pair: `${login}@${address}`, login });

  it('lets three of ten attempts sent together through to their check, and answers the rest with the wait', async () => {
    const throttle = createLoginThrottle(store.throttles, 100, () => clock);
    const answers = await Promise.all(Array.from({ length: 10 }, () => throttle.reserve(keys('10.0.0.1'))));
    const through = answers.flatMap((a) => (a.ok ? [a.reservation] : []));
    expect(through.map((r) => r.failures).sort()).toEqual([1, 2, 3]);
    // Each refused one is counted too (it was made): the waits double as the locks would have.
    const waits = answers.flatMap((a) => (a.ok ? [] : [a.retryAfterMs])).sort((x, y) => x - y);
    expect(waits).toEqual([0, 1, 2, 3, 4, 5, 6].map((n) => 30_000 * 2 ** n));
    // The three prove wrong: the third failure locks for 30 s.
    expect(await Promise.all(through.map((r) => throttle.failed(r)))).toEqual(expect.arrayContaining([0, 0, 30_000]));
    expect(await throttle.reserve(keys('10.0.0.1'))).toEqual({ ok: false, retryAfterMs: 30_000 });
    // Another address is not held by this one.
    expect((await throttle.reserve(keys('10.0.0.2'))).ok).toBe(true);
  });

  it('after a lock has run out, lets one more attempt through, and its failure locks twice as long', async () => {
    const throttle = createLoginThrottle(store.throttles, 100, () => clock);
    for (let i = 0; i < 3; i++) {
      const r = await throttle.reserve(keys('10.0.0.1'));
      if (!r.ok) throw new Error('refused');
      await throttle.failed(r.reservation);
    }
    clock += 29_999;
    expect(await throttle.reserve(keys('10.0.0.1'))).toEqual({ ok: false, retryAfterMs: 1 });
    clock += 1;
    const [next, together] = await Promise.all([throttle.reserve(keys('10.0.0.1')), throttle.reserve(keys('10.0.0.1'))]);
    // Of two sent together once the lock ran out, one is checked.
    expect([next.ok, together.ok].sort()).toEqual([false, true]);
    const through = next.ok ? next : together;
    if (!through.ok) throw new Error('refused');
    expect(await throttle.failed(through.reservation)).toBe(through.reservation.failures === 4 ? 60_000 : 120_000);
  });

  it('forgets the failures from an address when an attempt proves right', async () => {
    const throttle = createLoginThrottle(store.throttles, 100, () => clock);
    for (let i = 0; i < 2; i++) {
      const r = await throttle.reserve(keys('10.0.0.1'));
      if (r.ok) await throttle.failed(r.reservation);
    }
    const right = await throttle.reserve(keys('10.0.0.1'));
    if (!right.ok) throw new Error('refused');
    expect(right.reservation.failures).toBe(3);
    await throttle.succeeded(right.reservation);
    const after = await throttle.reserve(keys('10.0.0.1'));
    expect(after.ok && after.reservation.failures).toBe(1);
  });

  it('caps the attempts of one login from all addresses, sent together too, and then locks it for the hour', async () => {
    const throttle = createLoginThrottle(store.throttles, 5, () => clock);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => throttle.reserve(keys(`10.0.1.${i}`))));
    expect(answers.filter((a) => a.ok)).toHaveLength(5);
    expect(answers.filter((a) => !a.ok)).toEqual(Array(3).fill({ ok: false, retryAfterMs: 3_600_000 }));
    expect(await throttle.reserve(keys('10.0.2.1'))).toEqual({ ok: false, retryAfterMs: 3_600_000 });
    // Another login is not held by this one.
    expect((await throttle.reserve(keys('10.0.2.1', 'lisi'))).ok).toBe(true);
  });
});
