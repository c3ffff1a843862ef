import type { InvitationReport } from '../../contract/invitationReport';
import Dexie, { type EntityTable } from 'dexie';
import type { Invitation } from '../../contract/invitation';
import type { Outcome } from '../../contract/outcome';
import type { StaffSession } from '../../contract/staffSession';

/** An outcome waiting in the outbox until the intake acknowledges it. */
export interface OutboxRow extends Outcome {
  /** Local bookkeeping, never sent: when the row was written (epoch ms). */
  storedAtMs: number;
  /**
   * Local bookkeeping, never sent, unique: what this record is of its invitation. An ending or a
   * press is `<invitationId>#<round>` (a withdrawal starts the next round); an amendment is
   * `<pressId>:<kind>`. Two tabs, or a resend, cannot write the same thing twice.
   */
  slot?: string;
}

export type InvitationState = 'pending' | 'ended';

export interface InvitationRow {
  id: string;
  invitation: Invitation;
  state: InvitationState;
  receivedAtMs: number;
  firstShownAtMs?: number;
  /** Presses after the one that counted: a burst is recorded once and noted here. */
  extraPresses?: number;
  /** The outcome that ended it, once ended: for a rated press, the press that amendments refer to. */
  outcomeId?: string;
  /** How many presses of this invitation were withdrawn (撤销 / 返回): each withdrawal opens it again. */
  round?: number;
}

/** A flag learnt after its outcome was signed (a press burst): sent with the next upload. */
export interface LateFlagRow {
  outcomeId: string;
  flag: 'press-burst';
  count: number;
}

/** Cases this device has recorded an outcome for, by `${projectNo}|${event}`. */
export interface RatedCaseRow {
  key: string;
  outcomeId: string;
  atMs: number;
}

/** One entry of the append-only admin audit log; each links to the one before by hash. */
export interface AuditRow {
  id?: number;
  atMs: number;
  action: string;
  detail: Record<string, string | number | boolean | null>;
  prevHash: string;
  hash: string;
}

/** Where a pruned admin audit log now starts: the hash of the last entry removed, signed by the device key. */
export interface AuditCheckpoint {
  throughId: number;
  hash: string;
  atMs: number;
  /** The device key's raw public half (base64url) that signed it. */
  publicKey: string;
  signature: string;
}

/** The newest outcome of the device's hash chain. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** An outcome the intake refused for good: kept, visible, with the reason, never silently dropped. */
export interface DeadLetterRow extends OutboxRow {
  rejectedAtMs: number;
  code: string;
  reason: string;
}

/** Wrong admin PINs in a row on a host-less tablet, and until when the PIN is locked. */
export interface PinLockout {
  failures: number;
  lockedUntilMs: number;
}

export interface MetaRow {
  key: string;
  /** CryptoKeyPair for the device key: IndexedDB keeps non-extractable keys by structured clone. */
  value: number | string | CryptoKeyPair | ChainHead | number[] | StaffSession | PinLockout | AuditCheckpoint;
}

/** An invitation's report, waiting to be sent to the intake (src/sync/reportUploader.ts). */
export interface InvitationReportRow {
  invitationId: string;
  report: InvitationReport;
  atMs: number;
}

export type EvaluatorDb = Dexie & {
  outbox: EntityTable<OutboxRow, 'seq'>;
  invitations: EntityTable<InvitationRow, 'id'>;
  meta: EntityTable<MetaRow, 'key'>;
  deadLetters: EntityTable<DeadLetterRow, 'id'>;
  lateFlags: EntityTable<LateFlagRow, 'outcomeId'>;
  ratedCases: EntityTable<RatedCaseRow, 'key'>;
  audit: EntityTable<AuditRow, 'id'>;
  invitationReports: EntityTable<InvitationReportRow, 'invitationId'>;
};

export const DB_NAME = 'haochaping-evaluator';

/**
 * The device database. Writes that make an outcome durable use strict durability: the
 * thanks screen must never show for a rating that a power cut could still take away.
 * Sync bookkeeping may use a relaxed connection: losing a deletion of an acknowledged outcome
 * in a crash only means it is sent again, and the intake answers "duplicate".
 */
export function openEvaluatorDb(name: string = DB_NAME, durability: 'strict' | 'relaxed' = 'strict'): EvaluatorDb {
  // No live queries are used, so Dexie's optimistic query cache would only cost time.
  const db = new Dexie(name, { chromeTransactionDurability: durability, cache: 'disabled' }) as EvaluatorDb;
  db.version(1).stores({
    // Keyed by seq: numbering is unique by construction, and acknowledged outcomes leave as one
    // key range (a range delete is ~20× faster in Chromium than deleting key by key).
    // invitationId is unique: one outcome per invitation is enforced by the database itself.
    outbox: 'seq, &invitationId',
    invitations: 'id, state, receivedAtMs',
    meta: 'key',
  });
  db.version(2).stores({
    deadLetters: 'id, seq, rejectedAtMs',
  });
  db.version(3).stores({
    lateFlags: 'outcomeId',
    ratedCases: 'key, atMs',
    audit: '++id, atMs',
  });
  // A press is recorded at once and what follows it (details, confirm, withdrawal) as further
  // records of the same invitation: uniqueness moves from the invitation to the record's slot.
  db.version(4)
    .stores({ outbox: 'seq, invitationId, &slot' })
    .upgrade((tx) =>
      tx
        .table('outbox')
        .toCollection()
        .modify((row: OutboxRow) => {
          row.slot = `${row.invitationId}#0`;
        }),
    );
  db.version(5).stores({ invitationReports: 'invitationId, atMs' });
  return db;
}
