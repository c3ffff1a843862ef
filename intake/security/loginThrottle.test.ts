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

  it('lets three of ten attempts sent together through to their check, and tells the rest the wait', async () => {
    const throttle = createLoginThrottle(store.throttles, 100, () => clock);
    const answers = await Promise.all(Array.from({ length: 10 }, () => throttle.reserve(keys('10.0.0.1'))));
    const through = answers.flatMap((a) => (a.ok ? [a.reservation] : []));
    expect(through.map((r) => r.failures).sort()).toEqual([1, 2, 3]);
    expect(answers.filter((a) => !a.ok)).toEqual(Array(7).fill({ ok: false, retryAfterMs: 30_000 }));
    // The three prove wrong: the third failure locks for 30 s; the refused ones were not counted.
    expect((await Promise.all(through.map((r) => throttle.failed(r)))).sort((a, b) => a - b)).toEqual([0, 0, 30_000]);
    expect(await store.throttles.failuresOf(keys('10.0.0.1').pair)).toMatchObject({ failures: 3 });
    expect(await throttle.reserve(keys('10.0.0.1'))).toEqual({ ok: false, retryAfterMs: 30_000 });
    // Another address is not held by this one.
    expect((await throttle.reserve(keys('10.0.0.2'))).ok).toBe(true);
  });

  it('always lets through an attempt made after the wait it was told, double clicks included', async () => {
    const throttle = createLoginThrottle(store.throttles, 100, () => clock);
    for (let i = 0; i < 3; i++) {
      const r = await throttle.reserve(keys('10.0.0.1'));
      if (!r.ok) throw new Error('a free attempt was refused');
      clock += await throttle.failed(r.reservation);
    }
    const locks: number[] = [];
    for (let round = 0; round < 5; round++) {
      // Two at once (a double click) once the wait is over: one is checked, the other told to wait.
      const [first, second] = await Promise.all([throttle.reserve(keys('10.0.0.1')), throttle.reserve(keys('10.0.0.1'))]);
      const through = first.ok ? first : second;
      const refused = first.ok ? second : first;
      if (!through.ok || refused.ok) throw new Error(`round ${round}: not one of two let through`);
      const wait = await throttle.failed(through.reservation);
      locks.push(wait);
      // The refused one was told the wait the checked one's failure brings, and waits that long.
      expect(refused.retryAfterMs).toBe(wait);
      clock += refused.retryAfterMs;
    }
    // The locks double per checked failure: refusals never added to them.
    expect(locks).toEqual([60_000, 120_000, 240_000, 480_000, 960_000]);
  });

  it('locks from the failure, however long the check took, and tells the time left', async () => {
    const throttle = createLoginThrottle(store.throttles, 100, () => clock);
    const start = clock;
    for (let i = 0; i < 3; i++) {
      const r = await throttle.reserve(keys('10.0.0.1'));
      if (!r.ok) throw new Error('a free attempt was refused');
      // A slow check: five seconds between the attempt and its failure.
      clock += 5000;
      await throttle.failed(r.reservation);
    }
    // Locked 30 s from the third failure, not from its attempt.
    clock = start + 10_000 + 30_001;
    expect(await throttle.reserve(keys('10.0.0.1'))).toEqual({ ok: false, retryAfterMs: 4_999 });
    clock = start + 15_000 + 30_000;
    expect((await throttle.reserve(keys('10.0.0.1'))).ok).toBe(true);
  });

  it('tells what is left of the wait since the last attempt counted', async () => {
    const throttle = createLoginThrottle(store.throttles, 100, () => clock);
    await Promise.all([0, 1, 2].map(() => throttle.reserve(keys('10.0.0.1'))));
    clock += 1000;
    expect(await throttle.reserve(keys('10.0.0.1'))).toEqual({ ok: false, retryAfterMs: 29_000 });
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

  it('caps the failures of one login from all addresses, not its successes nor the attempts it refused', async () => {
    const throttle = createLoginThrottle(store.throttles, 5, () => clock);
    // Successes from anywhere cost nothing.
    for (let i = 0; i < 20; i++) {
      const r = await throttle.reserve(keys(`10.0.1.${i}`));
      if (!r.ok) throw new Error(`success ${i} refused`);
      await throttle.succeeded(r.reservation);
    }
    // A burst from one address: three checked and failed, the rest refused, uncounted for the login.
    const burst = await Promise.all(Array.from({ length: 20 }, () => throttle.reserve(keys('10.0.2.1'))));
    for (const r of burst) if (r.ok) await throttle.failed(r.reservation);
    expect(burst.filter((r) => r.ok)).toHaveLength(3);
    expect((await throttle.reserve(keys('10.0.3.1', 'zhangsan'))).ok).toBe(true);
    // Two more failures elsewhere make five: the login waits out the hour, from everywhere.
    for (const address of ['10.0.4.1', '10.0.4.2']) {
      const r = await throttle.reserve(keys(address));
      if (r.ok) await throttle.failed(r.reservation);
    }
    expect(await throttle.reserve(keys('10.0.5.1'))).toEqual({ ok: false, retryAfterMs: 3_600_000 });
    // Another login is not held by this one; this one is free again the moment its hour is out.
    expect((await throttle.reserve(keys('10.0.5.1', 'lisi'))).ok).toBe(true);
    clock += 3_600_000;
    expect((await throttle.reserve(keys('10.0.5.2'))).ok).toBe(true);
  });
});
