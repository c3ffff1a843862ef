import { GENESIS_HASH } from '../../contract/outcomeChain';
import { auditRow } from '../data/auditLog';
import type { ChainHead, DeadLetterRow, EvaluatorDb } from '../data/db';
import { CHAIN_HEAD_KEY, stripLocal } from '../data/outbox';

/** Where a reset leaves the chain head of the device it forgot, for the same device's next bundle. */
export const CARRIED_HEAD_KEY = 'carriedChainHead';

/** What a reset must not lose: ratings, refused ratings and flags the intake has not got. */
export interface Unsent {
  outcomes: number;
  deadLetters: number;
  lateFlags: number;
  /** The highest seq among them (0 when none): a rating recorded after an export changes it. */
  maxSeq: number;
}

export const nothingUnsent = (unsent: Unsent) => unsent.outcomes + unsent.deadLetters + unsent.lateFlags === 0;

export async function readUnsent(db: EvaluatorDb): Promise<Unsent> {
  return db.transaction('r', db.outbox, db.deadLetters, db.lateFlags, async () => {
    const [outcomes, deadLetters, lateFlags, lastOutbox, lastDead] = await Promise.all([
      db.outbox.count(),
      db.deadLetters.count(),
      db.lateFlags.count(),
      db.outbox.orderBy('seq').last(),
      db.deadLetters.orderBy('seq').last(),
    ]);
    return { outcomes, deadLetters, lateFlags, maxSeq: Math.max(lastOutbox?.seq ?? 0, lastDead?.seq ?? 0) };
  });
}

/**
 * The file a reset offline leaves behind: every unsent outcome as signed (the intake checks each
 * against the device key, so the file needs no trust), in the shape of a batch upload, with the
 * refused ones and their reasons beside them for a person to judge, and what it holds counted.
 */
export async function exportUnsent(db: EvaluatorDb, deviceId: string, nowMs: number): Promise<{ text: string; unsent: Unsent }> {
  return db.transaction('r', db.outbox, db.deadLetters, db.lateFlags, async () => {
    const unsent = await readUnsent(db);
    const [outbox, deadLetters, lateFlags] = await Promise.all([db.outbox.orderBy('seq').toArray(), db.deadLetters.orderBy('seq').toArray(), db.lateFlags.toArray()]);
    const file = {
      kind: 'haochaping-unsent-export',
      deviceId,
      exportedAt: new Date(nowMs).toISOString(),
      counts: unsent,
      batch: { deviceId, outcomes: outbox.map(stripLocal), lateFlags },
      refused: deadLetters.map((letter: DeadLetterRow) => {
        const { rejectedAtMs, code, reason, ...row } = letter;
        return { outcome: stripLocal(row), rejectedAt: new Date(rejectedAtMs).toISOString(), code, reason };
      }),
    };
    return { text: JSON.stringify(file, null, 1), unsent };
  });
}

/** Ratings wait to be sent and were not exported: a reset would erase them. */
export class UnsentNotSaved extends Error {}

/**
 * Forgets the device, in one transaction (a power cut leaves the device as it was, or reset):
 * key, configuration, staff session, PIN, outbox, audit log — everything. Refused while anything
 * is unsent, unless `exported` counts exactly what is unsent now (a rating recorded after the
 * export makes it stale). The chain head stays behind, named by the device id: the same device,
 * provisioned again with a rotation token, continues its chain there (no fork at the intake); a
 * bundle for another device starts from the genesis. The new audit log starts with the reset.
 */
export async function forgetDevice(db: EvaluatorDb, deviceId: string, exported: Unsent | null, nowMs: number): Promise<void> {
  for (;;) {
    const [unsent, head] = await Promise.all([readUnsent(db), db.meta.get(CHAIN_HEAD_KEY).then((row) => row?.value as ChainHead | undefined)]);
    const saved = nothingUnsent(unsent) || (exported !== null && sameCounts(exported, unsent));
    if (!saved) throw new UnsentNotSaved(exported ? 'ratings were recorded after the export: export again' : 'ratings wait to be sent: send or export them first');
    // Sealed before the transaction: IndexedDB ends a transaction that waits on anything else.
    const entry = await auditRow('device-reset', { deviceId, seq: head?.seq ?? 0, exported: nothingUnsent(unsent) ? 0 : unsent.outcomes }, GENESIS_HASH, nowMs);
    const done = await db.transaction('rw', db.tables, async () => {
      const [now, nowHead] = await Promise.all([readUnsent(db), db.meta.get(CHAIN_HEAD_KEY).then((row) => row?.value as ChainHead | undefined)]);
      // A rating recorded meanwhile: look again.
      if (!sameCounts(now, unsent) || nowHead?.seq !== head?.seq) return false;
      for (const table of db.tables) await table.clear();
      if (head) await db.meta.put({ key: CARRIED_HEAD_KEY, value: JSON.stringify({ deviceId, seq: head.seq, hash: head.hash }) });
      await db.audit.add(entry);
      return true;
    });
    if (done) return;
  }
}

/** Whether two readings of what is unsent are the same (an export still covers what is unsent now). */
export const sameCounts = (a: Unsent, b: Unsent) => a.outcomes === b.outcomes && a.deadLetters === b.deadLetters && a.lateFlags === b.lateFlags && a.maxSeq === b.maxSeq;

/**
 * On setting up from a bundle: a chain head a reset left for this same device becomes the chain
 * head again; one left for another device is dropped.
 */
export async function adoptCarriedHead(db: EvaluatorDb, deviceId: string): Promise<ChainHead | null> {
  return db.transaction('rw', db.meta, async () => {
    const row = await db.meta.get(CARRIED_HEAD_KEY);
    if (typeof row?.value !== 'string') return null;
    await db.meta.delete(CARRIED_HEAD_KEY);
    const carried = JSON.parse(row.value) as { deviceId: string } & ChainHead;
    if (carried.deviceId !== deviceId || (await db.meta.get(CHAIN_HEAD_KEY))) return null;
    const head = { seq: carried.seq, hash: carried.hash };
    await db.meta.put({ key: CHAIN_HEAD_KEY, value: head });
    return head;
  });
}
