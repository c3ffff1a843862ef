import { createHash } from 'node:crypto';
import type { ItemResult } from '../contract/intakeApi';
import { OutcomeSchema, type Outcome } from '../contract/outcome';
import type { IntakeDb } from './database';

/**
 * Stores a device's batch with a per-item answer, all in one transaction. The outcome id is the
 * idempotency key: the same body again is a duplicate (success), another body under the same id
 * is a conflict. A bad item is rejected with its reason; it never sinks the rest of the batch.
 */
export function createBatchIngest(db: IntakeDb, now: () => number = Date.now) {
  const findHash = db.prepare<[string], { body_hash: string }>('SELECT body_hash FROM outcomes WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO outcomes (id, device_id, seq, body_hash, body, received_at, outcome, level, rated_at, hall_code, window_no, staff_login, dept_name, task_code)
     VALUES (@id, @deviceId, @seq, @hash, @body, @receivedAt, @outcome, @level, @ratedAt, @hallCode, @windowNo, @staffLogin, @deptName, @taskCode)`,
  );

  const ingest = db.transaction((deviceId: string, items: unknown[]): ItemResult[] => {
    const receivedAt = now();
    return items.map((item): ItemResult => {
      const id = typeof item === 'object' && item !== null && typeof (item as { id?: unknown }).id === 'string' ? (item as { id: string }).id : '(missing id)';
      const parsed = OutcomeSchema.safeParse(item);
      if (!parsed.success) {
        const reason = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(item)'}: ${i.message}`).join('; ');
        return { id, status: 'rejected', code: 'invalid', reason };
      }
      const outcome: Outcome = parsed.data;
      if (outcome.deviceId !== deviceId) {
        return { id, status: 'rejected', code: 'wrong_device', reason: `signed by ${deviceId} but names device ${outcome.deviceId}` };
      }
      // The schema rebuilds the object in its own key order, so equal outcomes give equal text.
      const body = JSON.stringify(outcome);
      const hash = createHash('sha256').update(body).digest('hex');
      const existing = findHash.get(outcome.id);
      if (existing) {
        return existing.body_hash === hash
          ? { id, status: 'duplicate' }
          : { id, status: 'rejected', code: 'conflict', reason: 'an outcome with this id and a different body is already stored' };
      }
      insert.run({
        id: outcome.id,
        deviceId,
        seq: outcome.seq,
        hash,
        body,
        receivedAt,
        outcome: outcome.outcome,
        level: outcome.level ?? null,
        ratedAt: outcome.ratedAt,
        hallCode: outcome.window.hallCode,
        windowNo: outcome.window.windowNo,
        staffLogin: outcome.staff.loginName,
        deptName: outcome.case.deptName,
        taskCode: outcome.case.taskCode,
      });
      return { id, status: 'accepted' };
    });
  });

  return (deviceId: string, items: unknown[]): ItemResult[] => ingest(deviceId, items);
}
