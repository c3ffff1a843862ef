import { canonicalJson } from '../../contract/canonicalJson';
import { GENESIS_HASH } from '../../contract/outcomeChain';
import type { AuditCheckpoint, AuditRow, EvaluatorDb } from './db';
import { AUDIT_CHECKPOINT_KEY, checkpointSignedText } from './prune';

/** What staff did on the device that could touch ratings or the kiosk. */
export type AuditAction =
  | 'pin-accepted'
  | 'pin-refused'
  | 'kiosk-exit-requested'
  | 'device-self-test'
  | 'config-changed'
  | 'manual-retry'
  | 'dead-letter-requeued'
  | 'dead-letter-discarded'
  | 'staff-login'
  | 'staff-logout'
  | 'device-key-rotated'
  | 'device-reset';

export type AuditDetail = AuditRow['detail'];

class AuditHeadMoved extends Error {}

export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

const entryHashInput = (row: Omit<AuditRow, 'id' | 'hash'>) => canonicalJson({ atMs: row.atMs, action: row.action, detail: row.detail, prevHash: row.prevHash });

/** An entry sealed onto the entry before it (its hash `prevHash`), not yet stored. */
export async function auditRow(action: AuditAction, detail: AuditDetail, prevHash: string, atMs: number): Promise<AuditRow> {
  const entry = { atMs, action, detail, prevHash };
  return { ...entry, hash: await sha256Hex(entryHashInput(entry)) };
}

/**
 * Appends one entry to the admin audit log. The log has no update or delete: each entry holds
 * the hash of the one before, so an edited or removed entry breaks the chain (verifyAuditLog).
 * `alongside` runs in the same transaction, for an action whose effect and record must commit
 * together (a dead-letter discard).
 */
export async function appendAudit(
  db: EvaluatorDb,
  action: AuditAction,
  detail: AuditDetail,
  alongside?: { tables: Array<keyof Pick<EvaluatorDb, 'deadLetters' | 'outbox' | 'lateFlags' | 'meta'>>; run: () => Promise<void> },
): Promise<AuditRow> {
  for (;;) {
    const last = await db.audit.orderBy('id').last();
    const row = await auditRow(action, detail, last?.hash ?? GENESIS_HASH, Date.now());
    try {
      await db.transaction('rw', [db.audit, ...(alongside?.tables ?? []).map((name) => db[name])], async () => {
        const current = await db.audit.orderBy('id').last();
        if (current?.id !== last?.id) throw new AuditHeadMoved();
        row.id = await db.audit.add(row);
        await alongside?.run();
      });
      return row;
    } catch (error) {
      if (!(error instanceof AuditHeadMoved)) throw error;
    }
  }
}

/** The newest entries first. */
export async function listAudit(db: EvaluatorDb, limit = 50): Promise<AuditRow[]> {
  return db.audit.orderBy('id').reverse().limit(limit).toArray();
}

/**
 * Walks the whole log (from the signed checkpoint where old entries were pruned); returns the id
 * of the first entry that does not fit, or null. A checkpoint whose signature does not verify
 * counts as a break at the first entry after it.
 */
export async function verifyAuditLog(db: EvaluatorDb): Promise<number | null> {
  const rows = await db.audit.orderBy('id').toArray();
  const checkpoint = (await db.meta.get(AUDIT_CHECKPOINT_KEY))?.value as AuditCheckpoint | undefined;
  let prev = GENESIS_HASH;
  if (checkpoint) {
    if (!(await checkpointVerifies(checkpoint))) return rows[0]?.id ?? checkpoint.throughId + 1;
    prev = checkpoint.hash;
  }
  for (const row of rows) {
    if (row.prevHash !== prev || row.hash !== (await sha256Hex(entryHashInput(row)))) return row.id ?? -1;
    prev = row.hash;
  }
  return null;
}

async function checkpointVerifies(checkpoint: AuditCheckpoint): Promise<boolean> {
  try {
    const raw = Uint8Array.from(atob(checkpoint.publicKey.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    const signature = Uint8Array.from(atob(checkpoint.signature.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    const key = await crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, new TextEncoder().encode(checkpointSignedText(checkpoint)));
  } catch {
    return false;
  }
}
