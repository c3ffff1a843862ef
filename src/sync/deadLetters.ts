import { appendAudit } from '../data/auditLog';
import type { EvaluatorDb, DeadLetterRow } from '../data/db';

/** A discard must say why, in words a reviewer can read later. */
export const DISCARD_REASON_MIN_CHARS = 4;

export async function listDeadLetters(db: EvaluatorDb, limit = 100): Promise<DeadLetterRow[]> {
  return db.deadLetters.orderBy('seq').limit(limit).toArray();
}

/**
 * Puts a dead letter back in the outbox for another try (after the intake was fixed). The
 * record is moved unchanged; nothing is ever deleted from here without a person deciding it.
 */
export async function requeueDeadLetter(db: EvaluatorDb, id: string): Promise<boolean> {
  const letter = await db.deadLetters.get(id);
  if (!letter) return false;
  const { rejectedAtMs: _at, code: _code, reason: _reason, ...row } = letter;
  await appendAudit(db, 'dead-letter-requeued', { outcomeId: id, seq: letter.seq }, {
    tables: ['outbox', 'deadLetters'],
    run: async () => {
      await db.outbox.put(row);
      await db.deadLetters.delete(id);
    },
  });
  return true;
}

/**
 * Removes a dead letter for good, by a person, with a reason; the audit log keeps who-knows-what
 * was removed (id, seq, hash, level, the intake's refusal) in the same transaction.
 */
export async function discardDeadLetter(db: EvaluatorDb, id: string, reason: string): Promise<void> {
  const why = reason.trim();
  if (Array.from(why).length < DISCARD_REASON_MIN_CHARS) throw new Error(`a discard needs a reason of at least ${DISCARD_REASON_MIN_CHARS} characters`);
  const letter = await db.deadLetters.get(id);
  if (!letter) throw new Error(`no dead letter ${id}`);
  await appendAudit(
    db,
    'dead-letter-discarded',
    { outcomeId: id, seq: letter.seq, hash: letter.hash, level: letter.level ?? null, refusal: `${letter.code}: ${letter.reason}`.slice(0, 300), reason: why },
    // Its late flags go with it: the intake will never know the outcome to attach them to.
    { tables: ['deadLetters', 'lateFlags'], run: () => Promise.all([db.deadLetters.delete(id), db.lateFlags.delete(id)]).then(() => undefined) },
  );
}
