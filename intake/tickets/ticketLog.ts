import { createHash } from 'node:crypto';
import { canonicalJson } from '../../contract/canonicalJson';
import type { TicketActionRow, TicketStore } from '../store/store';

/**
 * The tickets' action log: who did what to which ticket, when, with the state before and after.
 * Append-only and hash-chained in log order across every ticket: each entry's hash covers its
 * own fields and the hash of the entry before it, so a changed, removed or reordered entry
 * breaks the chain at that point.
 */

/** The hash the first entry follows. */
export const LOG_GENESIS = '0'.repeat(64);

export function actionHash(entry: Omit<TicketActionRow, 'hash'>): string {
  const { seq, ticketId, at, actor, what, before, after, prevHash } = entry;
  return createHash('sha256').update(canonicalJson({ seq, ticketId, at, actor, what, before, after, prevHash })).digest('hex');
}

/** Appends an entry after the current head, in the caller's transaction. */
export async function appendAction(tx: TicketStore, entry: Omit<TicketActionRow, 'seq' | 'prevHash' | 'hash'>): Promise<TicketActionRow> {
  const head = await tx.lastAction();
  const unhashed = { ...entry, seq: (head?.seq ?? 0) + 1, prevHash: head?.hash ?? LOG_GENESIS };
  const row = { ...unhashed, hash: actionHash(unhashed) };
  await tx.appendAction(row);
  return row;
}

/** appendAction of several entries in one write, chained in the order given after the current head. */
export async function appendActions(tx: TicketStore, entries: Array<Omit<TicketActionRow, 'seq' | 'prevHash' | 'hash'>>): Promise<TicketActionRow[]> {
  if (entries.length === 0) return [];
  const head = await tx.lastAction();
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? LOG_GENESIS;
  const rows = entries.map((entry) => {
    const unhashed = { ...entry, seq: ++seq, prevHash };
    const row = { ...unhashed, hash: actionHash(unhashed) };
    prevHash = row.hash;
    return row;
  });
  await tx.appendActions(rows);
  return rows;
}

export type LogVerdict = { ok: true; checked: number } | { ok: false; checked: number; seq: number; problem: string };

/** Walks the whole log from its first entry and names the first one that does not hold. */
export async function verifyTicketLog(tickets: Pick<TicketStore, 'actionsAfter'>, pageSize = 500): Promise<LogVerdict> {
  let prevHash = LOG_GENESIS;
  let seq = 0;
  let checked = 0;
  for (;;) {
    const page = await tickets.actionsAfter(seq, pageSize);
    for (const row of page) {
      if (row.seq !== seq + 1) return { ok: false, checked, seq: row.seq, problem: `entries ${seq + 1}..${row.seq - 1} are missing` };
      if (row.prevHash !== prevHash) return { ok: false, checked, seq: row.seq, problem: 'does not follow the entry before it' };
      if (actionHash(row) !== row.hash) return { ok: false, checked, seq: row.seq, problem: 'its content does not match its hash' };
      prevHash = row.hash;
      seq = row.seq;
      checked++;
    }
    if (page.length < pageSize) return { ok: true, checked };
  }
}
