import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { OutcomeBatchSchema } from '../../contract/intakeApi';
import { OutcomeSchema } from '../../contract/outcome';
import { GENESIS_HASH } from '../../contract/outcomeChain';
import { listAudit, verifyAuditLog } from '../data/auditLog';
import { openEvaluatorDb, type EvaluatorDb } from '../data/db';
import { loadOrCreateDeviceKey } from '../device/deviceKey';
import type { SealedEnding } from '../data/outbox';
import { makeInvitation, recordOutcome, testContext } from '../testing/fixtures';
import { adoptCarriedHead, CARRIED_HEAD_KEY, exportUnsent, forgetDevice, readUnsent, UnsentNotSaved } from './deviceReset';

const DEVICE = testContext.device.id;
const rated: SealedEnding = { outcome: 'rated', level: 2, tags: ['213'], isPublic: false, callback: { requested: false }, input: { method: 'touch', inviteToPressMs: 900 } };
const ctx = () => ({ context: testContext, clockOffsetMs: null, nowMs: Date.UTC(2026, 11, 1, 2, 0, 0) });

let opened: EvaluatorDb[] = [];
afterEach(() => {
  opened.forEach((db) => db.close());
  opened = [];
});
function freshDb(): EvaluatorDb {
  const db = openEvaluatorDb(`reset-${crypto.randomUUID()}`);
  opened.push(db);
  return db;
}

async function rate(db: EvaluatorDb, n: number) {
  const recorded = [];
  for (let i = 0; i < n; i++) recorded.push(await recordOutcome(db, makeInvitation(), rated, ctx()));
  return recorded;
}

/** The intake acknowledged everything: the outbox is empty, the chain head stays. */
const acknowledgeAll = (db: EvaluatorDb) => db.outbox.clear();

describe('resetting a tablet', () => {
  it('refuses while ratings wait to be sent and nothing was exported, and erases nothing', async () => {
    const db = freshDb();
    await rate(db, 2);
    await expect(forgetDevice(db, DEVICE, null, 1)).rejects.toBeInstanceOf(UnsentNotSaved);
    expect(await db.outbox.count()).toBe(2);
    expect(await db.meta.get('deviceKeyPair')).toBeDefined();
  });

  it('exports every unsent rating as signed, in the shape of a batch upload, with refused ones and their reasons', async () => {
    const db = freshDb();
    const [first, second] = await rate(db, 2);
    await db.outbox.delete(second!.seq);
    await db.deadLetters.put({ ...second!, storedAtMs: 1, rejectedAtMs: Date.UTC(2026, 11, 1), code: 'bad_outcome', reason: 'the intake refused it' });
    await db.lateFlags.put({ outcomeId: first!.id, flag: 'press-burst', count: 3 });
    const { text, unsent } = await exportUnsent(db, DEVICE, Date.UTC(2026, 11, 1, 3));
    expect(unsent).toEqual({ outcomes: 1, deadLetters: 1, lateFlags: 1, maxSeq: 2 });
    const file = JSON.parse(text) as { deviceId: string; batch: unknown; refused: Array<{ outcome: unknown; code: string; reason: string }> };
    expect(file.deviceId).toBe(DEVICE);
    const batch = OutcomeBatchSchema.parse(file.batch);
    expect(batch.outcomes.map((o) => OutcomeSchema.parse(o))).toEqual([first]);
    expect(batch.lateFlags).toEqual([{ outcomeId: first!.id, flag: 'press-burst', count: 3 }]);
    expect(file.refused).toEqual([{ outcome: second, rejectedAt: '2026-12-01T00:00:00.000Z', code: 'bad_outcome', reason: 'the intake refused it' }]);
  });

  it('refuses an export made before another rating was recorded', async () => {
    const db = freshDb();
    await rate(db, 1);
    const { unsent } = await exportUnsent(db, DEVICE, 1);
    await rate(db, 1);
    await expect(forgetDevice(db, DEVICE, unsent, 2)).rejects.toThrow('export again');
    expect(await db.outbox.count()).toBe(2);
  });

  it('after an export, forgets everything but the chain head, and starts the audit log with the reset', async () => {
    const db = freshDb();
    await rate(db, 3);
    await db.meta.put({ key: 'staffSession', value: 'someone' });
    const { unsent } = await exportUnsent(db, DEVICE, 1);
    await forgetDevice(db, DEVICE, unsent, Date.UTC(2026, 11, 1, 4));
    for (const table of db.tables) {
      if (table.name === 'meta') expect((await db.meta.toArray()).map((row) => row.key)).toEqual([CARRIED_HEAD_KEY]);
      else if (table.name === 'audit') expect(await table.count()).toBe(1);
      else expect(await table.count()).toBe(0);
    }
    const [entry] = await listAudit(db);
    expect(entry).toMatchObject({ action: 'device-reset', detail: { deviceId: DEVICE, seq: 3, exported: 3 }, prevHash: GENESIS_HASH });
    expect(await verifyAuditLog(db)).toBeNull();
    expect(await readUnsent(db)).toEqual({ outcomes: 0, deadLetters: 0, lateFlags: 0, maxSeq: 0 });
  });

  it('resets without an export once the intake has every rating', async () => {
    const db = freshDb();
    await rate(db, 2);
    await acknowledgeAll(db);
    await forgetDevice(db, DEVICE, null, 1);
    expect(await db.outbox.count()).toBe(0);
    expect((await listAudit(db))[0]).toMatchObject({ action: 'device-reset', detail: { seq: 2, exported: 0 } });
  });

  it('the same device set up again continues its chain with a new key: no fork at the intake', async () => {
    const db = freshDb();
    const before = await rate(db, 2);
    const oldKey = await loadOrCreateDeviceKey(db);
    await acknowledgeAll(db);
    await forgetDevice(db, DEVICE, null, 1);
    expect(await adoptCarriedHead(db, DEVICE)).toEqual({ seq: 2, hash: before[1]!.hash });
    expect(await db.meta.get(CARRIED_HEAD_KEY)).toBeUndefined();
    const [next] = await rate(db, 1);
    expect(next).toMatchObject({ seq: 3, prevHash: before[1]!.hash });
    expect(await loadOrCreateDeviceKey(db)).not.toBe(oldKey);
  });

  it('a bundle for another device starts from the genesis, and the head left behind is dropped', async () => {
    const db = freshDb();
    await rate(db, 2);
    await acknowledgeAll(db);
    await forgetDevice(db, DEVICE, null, 1);
    expect(await adoptCarriedHead(db, 'another-pad')).toBeNull();
    expect(await db.meta.get(CARRIED_HEAD_KEY)).toBeUndefined();
    expect(await adoptCarriedHead(db, DEVICE)).toBeNull();
  });
});
