import type { EvaluatorDb, DeadLetterRow } from '../data/db';

export async function listDeadLetters(db: EvaluatorDb, limit = 100): Promise<DeadLetterRow[]> {
  return db.deadLetters.orderBy('seq').limit(limit).toArray();
}

/**
 * Puts a dead letter back in the outbox for another try (after the intake was fixed). The
 * record is moved unchanged; nothing is ever deleted from here without a person deciding it.
 */
export async function requeueDeadLetter(db: EvaluatorDb, id: string): Promise<boolean> {
  return db.transaction('rw', db.outbox, db.deadLetters, async () => {
    const letter = await db.deadLetters.get(id);
    if (!letter) return false;
    const { rejectedAtMs: _at, code: _code, reason: _reason, ...row } = letter;
    await db.outbox.put(row);
    await db.deadLetters.delete(id);
    return true;
  });
}
