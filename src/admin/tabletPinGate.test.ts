import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { FIRST_LOCKOUT_MS } from '../../contract/pinLockout';
import { openEvaluatorDb } from '../data/db';
import { createTabletPinGate, storeTabletPinHash } from './tabletPinGate';

/**
 * `npm run pin-hash -- 2468`, made once: the tablet checks what the host's hasher wrote without
 * importing it (the renderer never imports Node code). integration/pinHash.test.ts checks a freshly
 * made hash, so a change to the hasher's format still fails there.
 */
const PIN_2468_HASH = 'scrypt$16384$yAeoV+zG/hdodWf1jPC4tg==$izt4X04w+398TdJBGuD8zeIaC9Lpim9QVa82dokPd+A=';

// Each check is a real scrypt (N = 16384) in JavaScript: on 2 busy cores a test takes seconds.
describe('admin PIN on a host-less tablet', { timeout: 30_000 }, () => {
  it('accepts the PIN whose hash npm run pin-hash wrote, refuses others, and locks as the host does', async () => {
    const db = openEvaluatorDb(`pin-${crypto.randomUUID()}`);
    let clock = 1_000_000;
    const gate = createTabletPinGate(db, () => clock);
    expect(await gate.attempt('2468')).toEqual({ ok: false, reason: 'notConfigured', retryAfterMs: 0 });

    await storeTabletPinHash(db, PIN_2468_HASH);
    expect(await gate.attempt('2468')).toEqual({ ok: true, retryAfterMs: 0 });
    expect(await gate.attempt('1111')).toEqual({ ok: false, reason: 'wrong', retryAfterMs: 0 });
    expect(await gate.attempt('1112')).toEqual({ ok: false, reason: 'wrong', retryAfterMs: 0 });
    expect(await gate.attempt('1113')).toEqual({ ok: false, reason: 'wrong', retryAfterMs: FIRST_LOCKOUT_MS });
    // Locked: even the right PIN is refused, and a new gate (a reload) remembers it.
    expect(await createTabletPinGate(db, () => clock).attempt('2468')).toEqual({ ok: false, reason: 'locked', retryAfterMs: FIRST_LOCKOUT_MS });
    clock += FIRST_LOCKOUT_MS;
    expect(await gate.attempt('1114')).toEqual({ ok: false, reason: 'wrong', retryAfterMs: 2 * FIRST_LOCKOUT_MS });
    clock += 2 * FIRST_LOCKOUT_MS;
    expect(await gate.attempt('2468')).toEqual({ ok: true, retryAfterMs: 0 });
    expect(await gate.attempt('1111')).toEqual({ ok: false, reason: 'wrong', retryAfterMs: 0 });
    db.close();
  });

  // Issue 19: npm run pin-hash now writes N = 2^17 (128 MiB a check); the tablet's scrypt must take it.
  it('checks a PIN hash at the cost npm run pin-hash writes now (N = 2^17)', async () => {
    const db = openEvaluatorDb(`pin-${crypto.randomUUID()}`);
    await storeTabletPinHash(db, 'scrypt$131072$bxtkUqKvYVLMDgZwdbJgcw==$RHJ+w2aLyiu+t6n770HU+XuC7gyaknzfWUQG86nQNdo=');
    const gate = createTabletPinGate(db, () => 1_000_000);
    expect(await gate.attempt('4081726355')).toEqual({ ok: false, reason: 'wrong', retryAfterMs: 0 });
    expect(await gate.attempt('4081726354')).toEqual({ ok: true, retryAfterMs: 0 });
    db.close();
  });

  it('counts PINs typed faster than they are checked one by one: the lockout still comes after three', async () => {
    const db = openEvaluatorDb(`pin-${crypto.randomUUID()}`);
    await storeTabletPinHash(db, PIN_2468_HASH);
    const gate = createTabletPinGate(db, () => 1_000_000);
    const results = await Promise.all(['1111', '1112', '1113', '1114', '1115', '2468'].map((pin) => gate.attempt(pin)));
    expect(results.map((r) => r.reason)).toEqual(['wrong', 'wrong', 'wrong', 'locked', 'locked', 'locked']);
    db.close();
  });
});
