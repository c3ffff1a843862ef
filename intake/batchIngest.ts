import { createHash, type KeyObject } from 'node:crypto';
import type { ItemResult, LateFlag, LateFlagResult } from '../contract/intakeApi';
import { OutcomeSchema, type Outcome } from '../contract/outcome';
import type { ChainAudit } from './chainAudit';
import { createDashboardRecorder } from './dashboard/dashboardRollup';
import type { IntakeDb } from './database';
import type { Followups } from './followups';
import { verifyOutcome, type Verdict } from './outcomeVerifier';
import { OUTCOME_COLUMNS, outcomeColumns } from './storedOutcome';

export interface BatchIngestDeps {
  chain: ChainAudit;
  followups: Followups;
  now?: () => number;
}

/**
 * Stores a device's batch with a per-item answer, all in one transaction. The outcome id is the
 * idempotency key: the same body again is a duplicate (success), another body under the same id
 * is a conflict. Each new outcome must carry the device's signature over its own hash; the
 * chain audit records gaps, forks and breaks. A bad item is rejected with its reason; it never
 * sinks the rest of the batch.
 */
export function createBatchIngest(db: IntakeDb, { chain, followups, now = Date.now }: BatchIngestDeps) {
  const findHash = db.prepare<[string], { body_hash: string }>('SELECT body_hash FROM outcomes WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO outcomes (id, device_id, body_hash, body, received_at, trusted, ${OUTCOME_COLUMNS.join(', ')})
     VALUES (@id, @device_id, @body_hash, @body, @received_at, @trusted, ${OUTCOME_COLUMNS.map((column) => `@${column}`).join(', ')})`,
  );
  const addLateFlag = db.prepare(
    `INSERT INTO late_flags (outcome_id, flag, count, received_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (outcome_id, flag) DO UPDATE SET count = MAX(count, excluded.count)`,
  );
  const outcomeOfDevice = db.prepare<[string, string], { id: string }>('SELECT id FROM outcomes WHERE id = ? AND device_id = ?');

  const dashboardTally = createDashboardRecorder(db);

  /** What can be known of an item without the database: its schema, its device, its signature. */
  type Rejected = { id: string; rejected: ItemResult };
  type Candidate = { id: string; outcome: Outcome; body: string; hash: string; verdict: Promise<Verdict> | null };
  type Checked = Rejected | Candidate;
  type Ready = Rejected | (Omit<Candidate, 'verdict'> & { settled: Verdict | null });

  function check(item: unknown, deviceId: string, deviceKey: KeyObject): Checked {
    const id = typeof item === 'object' && item !== null && typeof (item as { id?: unknown }).id === 'string' ? (item as { id: string }).id : '(missing id)';
    const parsed = OutcomeSchema.safeParse(item);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(item)'}: ${i.message}`).join('; ');
      return { id, rejected: { id, status: 'rejected', code: 'invalid', reason } };
    }
    const outcome: Outcome = parsed.data;
    if (outcome.deviceId !== deviceId) {
      return { id, rejected: { id, status: 'rejected', code: 'wrong_device', reason: `signed by ${deviceId} but names device ${outcome.deviceId}` } };
    }
    // The schema rebuilds the object in its own key order, so equal outcomes give equal text.
    const body = JSON.stringify(outcome);
    const hash = createHash('sha256').update(body).digest('hex');
    // A resend of a stored outcome needs no signature check; the transaction decides for sure.
    return { id, outcome, body, hash, verdict: findHash.get(outcome.id) ? null : verifyOutcome(outcome, deviceKey) };
  }

  const store = db.transaction((deviceId: string, deviceKey: KeyObject, checked: Ready[], lateFlags: LateFlag[]) => {
    const receivedAt = now();
    const dashboard = dashboardTally();
    const results = checked.map((item): ItemResult => {
      if ('rejected' in item) return item.rejected;
      const { id, outcome, body, hash } = item;
      const existing = findHash.get(outcome.id);
      if (existing) {
        return existing.body_hash === hash
          ? { id, status: 'duplicate' }
          : { id, status: 'rejected', code: 'conflict', reason: 'an outcome with this id and a different body is already stored' };
      }
      const verdict = item.settled;
      // Outcomes are never deleted, so one seen stored before the transaction is still there.
      if (!verdict) throw new Error(`outcome ${id} was stored and is gone again`);
      if (!verdict.ok) {
        chain.note(deviceId, verdict.code, outcome.seq, outcome.id, verdict.reason);
        return { id, status: 'rejected', code: verdict.code, reason: verdict.reason };
      }
      const { trusted } = chain.admit(outcome);
      insert.run({ id: outcome.id, device_id: deviceId, body_hash: hash, body, received_at: receivedAt, trusted: trusted ? 1 : 0, ...outcomeColumns(outcome) });
      dashboard.count(outcome, followups.openFor(outcome, receivedAt));
      return { id, status: 'accepted' };
    });
    const lateFlagResults = lateFlags.map((late): LateFlagResult => {
      if (!outcomeOfDevice.get(late.outcomeId, deviceId)) return { outcomeId: late.outcomeId, status: 'unknown_outcome' };
      addLateFlag.run(late.outcomeId, late.flag, late.count, receivedAt);
      return { outcomeId: late.outcomeId, status: 'attached' };
    });
    dashboard.flush();
    return { results, lateFlagResults };
  });

  return async (deviceId: string, deviceKey: KeyObject, items: unknown[], lateFlags: LateFlag[] = []) => {
    const checked = items.map((item) => check(item, deviceId, deviceKey));
    const settled = await Promise.all(checked.map((item) => ('rejected' in item ? null : item.verdict)));
    return store(
      deviceId,
      deviceKey,
      checked.map((item, i): Ready => ('rejected' in item ? item : { id: item.id, outcome: item.outcome, body: item.body, hash: item.hash, settled: settled[i] ?? null })),
      lateFlags,
    );
  };
}
