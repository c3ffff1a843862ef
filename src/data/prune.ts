import { canonicalJson } from '../../contract/canonicalJson';
import { exportPublicKey, loadOrCreateDeviceKey, outcomeSigner } from '../device/deviceKey';
import type { AuditCheckpoint, EvaluatorDb } from './db';

/**
 * What the device keeps of its own bookkeeping, by age and count. Nothing here ever touches an
 * outcome that is not yet acknowledged (the outbox) or a dead letter: only the memory of ended
 * invitations (kept for the dedupe window), of rated cases (for the same-case-again flag) and
 * the oldest admin audit entries (replaced by a signed checkpoint, so the log still verifies).
 */
export interface PruneLimits {
  endedInvitationDays: number;
  endedInvitationsKept: number;
  ratedCaseDays: number;
  ratedCasesKept: number;
  auditDays: number;
  auditKept: number;
}

export const DEFAULT_PRUNE_LIMITS: PruneLimits = {
  // A host or intake resends only what the device has not acknowledged; a week covers any retry.
  endedInvitationDays: 7,
  endedInvitationsKept: 20_000,
  ratedCaseDays: 30,
  ratedCasesKept: 20_000,
  auditDays: 365,
  auditKept: 5_000,
};

/** When space is short, keep less: the same kinds of rows, tighter bounds. */
export const TIGHT_PRUNE_LIMITS: PruneLimits = {
  endedInvitationDays: 1,
  endedInvitationsKept: 2_000,
  ratedCaseDays: 1,
  ratedCasesKept: 2_000,
  auditDays: 90,
  auditKept: 500,
};

export interface Pruned {
  invitations: number;
  ratedCases: number;
  audit: number;
}

const DAY_MS = 86_400_000;
export const AUDIT_CHECKPOINT_KEY = 'auditCheckpoint';

/** The exact text a checkpoint's signature is over. */
export const checkpointSignedText = (c: Pick<AuditCheckpoint, 'throughId' | 'hash' | 'atMs' | 'publicKey'>) =>
  canonicalJson({ throughId: c.throughId, hash: c.hash, atMs: c.atMs, publicKey: c.publicKey });

export async function pruneDeviceData(db: EvaluatorDb, nowMs: number, limits: PruneLimits = DEFAULT_PRUNE_LIMITS): Promise<Pruned> {
  const invitations = await db.transaction('rw', db.invitations, async () => {
    let removed = await db.invitations
      .where('receivedAtMs')
      .below(nowMs - limits.endedInvitationDays * DAY_MS)
      .filter((row) => row.state === 'ended')
      .delete();
    const ended = await db.invitations.where('state').equals('ended').count();
    if (ended > limits.endedInvitationsKept) {
      const oldest = await db.invitations.orderBy('receivedAtMs').filter((row) => row.state === 'ended').limit(ended - limits.endedInvitationsKept).primaryKeys();
      await db.invitations.bulkDelete(oldest);
      removed += oldest.length;
    }
    return removed;
  });
  const ratedCases = await db.transaction('rw', db.ratedCases, async () => {
    let removed = await db.ratedCases.where('atMs').below(nowMs - limits.ratedCaseDays * DAY_MS).delete();
    const kept = await db.ratedCases.count();
    if (kept > limits.ratedCasesKept) {
      const oldest = await db.ratedCases.orderBy('atMs').limit(kept - limits.ratedCasesKept).primaryKeys();
      await db.ratedCases.bulkDelete(oldest);
      removed += oldest.length;
    }
    return removed;
  });
  return { invitations, ratedCases, audit: await pruneAudit(db, nowMs, limits) };
}

/**
 * Removes the oldest audit entries beyond the limits. The newest removed entry's hash becomes a
 * checkpoint signed by the device key: the first entry kept links to it, so verifyAuditLog still
 * walks an unbroken chain, and a checkpoint nobody with the key made does not verify.
 */
async function pruneAudit(db: EvaluatorDb, nowMs: number, limits: PruneLimits): Promise<number> {
  const total = await db.audit.count();
  const byAge = await db.audit.where('atMs').below(nowMs - limits.auditDays * DAY_MS).count();
  const remove = Math.max(byAge, total - limits.auditKept);
  if (remove <= 0) return 0;
  const last = await db.audit.orderBy('id').offset(remove - 1).first();
  if (!last?.id) return 0;
  const pair = await loadOrCreateDeviceKey(db);
  const unsigned = { throughId: last.id, hash: last.hash, atMs: nowMs, publicKey: await exportPublicKey(pair) };
  const signature = await outcomeSigner(db)(new TextEncoder().encode(checkpointSignedText(unsigned)));
  const checkpoint: AuditCheckpoint = { ...unsigned, signature };
  return db.transaction('rw', db.audit, db.meta, async () => {
    await db.meta.put({ key: AUDIT_CHECKPOINT_KEY, value: checkpoint });
    return db.audit.where('id').belowOrEqual(last.id as number).delete();
  });
}
