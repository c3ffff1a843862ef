import type { ItemResult, LateFlag, LateFlagResult } from '../../contract/intakeApi';
import type { Outcome } from '../../contract/outcome';
import type { EvaluatorDb } from '../data/db';
import { stripLocal as toOutcome } from '../data/outbox';

/** UTF-8 length of a string without allocating its bytes. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 2; // a surrogate pair: 2 UTF-16 units, 4 UTF-8 bytes
      i++;
    } else if (code >= 0x800) bytes += 2;
    else if (code >= 0x80) bytes += 1;
  }
  return bytes;
}

/**
 * The oldest outcomes after `afterSeq`, in seq order, up to `maxItems` and about `maxBytes`
 * of JSON.
 */
export async function nextBatch(db: EvaluatorDb, maxItems: number, maxBytes: number, afterSeq = 0): Promise<Outcome[]> {
  const rows = await db.outbox.where(':id').above(afterSeq).limit(maxItems).toArray();
  const batch: Outcome[] = [];
  let bytes = 0;
  for (const row of rows) {
    const outcome = toOutcome(row);
    const size = utf8Length(JSON.stringify(outcome)) + 1;
    if (batch.length > 0 && bytes + size > maxBytes) break;
    batch.push(outcome);
    bytes += size;
  }
  return batch;
}

/** Late flags waiting to go up with the next upload. */
/**
 * Late flags ready to go up. A flag whose outcome sits in the dead-letter list waits there with
 * it (sending it would only earn "unknown outcome" on every sync) and goes once it is re-queued.
 */
export async function pendingLateFlags(db: EvaluatorDb, limit: number): Promise<LateFlag[]> {
  return db.transaction('r', db.lateFlags, db.deadLetters, async () => {
    const flags = await db.lateFlags.toArray();
    const held = new Set(await db.deadLetters.where('id').anyOf(flags.map((f) => f.outcomeId)).primaryKeys());
    return flags.filter((f) => !held.has(f.outcomeId)).slice(0, limit);
  });
}

/**
 * Forgets the late flags the intake attached. A flag for an outcome the intake has not stored
 * yet stays and goes again with a later upload.
 */
export async function applyLateFlagResults(db: EvaluatorDb, results: LateFlagResult[] | undefined): Promise<number> {
  const attached = (results ?? []).filter((r) => r.status === 'attached').map((r) => r.outcomeId);
  if (attached.length > 0) await db.lateFlags.bulkDelete(attached);
  return attached.length;
}



export interface AppliedResults {
  acknowledged: number;
  rejected: number;
  /** Batch items the intake said nothing about: they stay in the outbox for the next round. */
  unanswered: number;
}

/**
 * Applies the intake's per-item answers in one transaction: acknowledged items leave the
 * outbox, rejected ones move to the dead-letter list with the reason. Nothing else is removed.
 */
export async function applyResults(db: EvaluatorDb, batch: Outcome[], results: ItemResult[], nowMs: number): Promise<AppliedResults> {
  const sent = new Set(batch.map((o) => o.id));
  const byId = new Map(results.filter((r) => sent.has(r.id)).map((r) => [r.id, r]));
  const acknowledgedIds: string[] = [];
  const rejected: Extract<ItemResult, { status: 'rejected' }>[] = [];
  for (const result of byId.values()) {
    if (result.status === 'rejected') rejected.push(result);
    else acknowledgedIds.push(result.id);
  }
  const seqOf = new Map(batch.map((o) => [o.id, o.seq]));
  const leaving = [...acknowledgedIds, ...rejected.map((r) => r.id)].map((id) => seqOf.get(id) as number);
  await db.transaction('rw', db.outbox, db.deadLetters, async () => {
    if (rejected.length > 0) {
      const rows = await db.outbox.bulkGet(rejected.map((r) => seqOf.get(r.id) as number));
      const letters = rows.flatMap((row, i) => {
        const result = rejected[i];
        return row && result ? [{ ...row, rejectedAtMs: nowMs, code: result.code, reason: result.reason }] : [];
      });
      await db.deadLetters.bulkPut(letters);
    }
    for (const [from, to] of contiguousRuns(leaving)) {
      await db.outbox.where(':id').between(from, to, true, true).delete();
    }
  });
  return { acknowledged: acknowledgedIds.length, rejected: rejected.length, unanswered: batch.length - byId.size };
}

/** Sorted runs of consecutive numbers, as [first, last] pairs: [1,2,3,7,8] → [[1,3],[7,8]]. */
export function contiguousRuns(numbers: number[]): Array<[number, number]> {
  const sorted = [...numbers].sort((a, b) => a - b);
  const runs: Array<[number, number]> = [];
  for (const n of sorted) {
    const last = runs[runs.length - 1];
    if (last && n === last[1] + 1) last[1] = n;
    else if (!last || n > last[1]) runs.push([n, n]);
  }
  return runs;
}
