import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { hashPin } from '../shared-node/adminPin';
import { openEvaluatorDb } from '../src/data/db';
import { createTabletPinGate, storeTabletPinHash } from '../src/admin/tabletPinGate';

/** The host and intake hash PINs with Node's scrypt; a host-less tablet checks them with @noble/hashes. */
describe('a PIN hash made by npm run pin-hash', () => {
  it('opens the tablet PIN gate for that PIN only', async () => {
    const db = openEvaluatorDb(`pin-${crypto.randomUUID()}`);
    await storeTabletPinHash(db, hashPin('13579'));
    const gate = createTabletPinGate(db, () => 1_000_000);
    expect(await gate.attempt('13579')).toEqual({ ok: true, retryAfterMs: 0 });
    expect(await gate.attempt('13578')).toEqual({ ok: false, reason: 'wrong', retryAfterMs: 0 });
    db.close();
  });
});
