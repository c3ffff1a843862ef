import Dexie, { type EntityTable } from 'dexie';
import type { Invitation } from '../../contract/invitation';
import type { Outcome } from '../../contract/outcome';

/** An outcome waiting in the outbox until the intake acknowledges it. */
export interface OutboxRow extends Outcome {
  /** Local bookkeeping, never sent: when the row was written (epoch ms). */
  storedAtMs: number;
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
}

/** An outcome the intake refused for good: kept, visible, with the reason, never silently dropped. */
export interface DeadLetterRow extends OutboxRow {
  rejectedAtMs: number;
  code: string;
  reason: string;
}

export interface MetaRow {
  key: string;
  /** CryptoKeyPair for the device key: IndexedDB keeps non-extractable keys by structured clone. */
  value: number | string | CryptoKeyPair;
}

export type EvaluatorDb = Dexie & {
  outbox: EntityTable<OutboxRow, 'id'>;
  invitations: EntityTable<InvitationRow, 'id'>;
  meta: EntityTable<MetaRow, 'key'>;
  deadLetters: EntityTable<DeadLetterRow, 'id'>;
};

export const DB_NAME = 'haochaping-evaluator';

/**
 * The device database. Writes that make an outcome durable use strict durability: the
 * thanks screen must never show for a rating that a power cut could still take away.
 */
export function openEvaluatorDb(name: string = DB_NAME): EvaluatorDb {
  const db = new Dexie(name, { chromeTransactionDurability: 'strict' }) as EvaluatorDb;
  db.version(1).stores({
    // seq and invitationId are unique: gapless numbering and one outcome per invitation are
    // enforced by the database itself, not only by the flow.
    outbox: 'id, &seq, &invitationId, storedAtMs',
    invitations: 'id, state, receivedAtMs',
    meta: 'key',
  });
  db.version(2).stores({
    deadLetters: 'id, seq, rejectedAtMs',
  });
  return db;
}
