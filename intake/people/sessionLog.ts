import type { SessionEvent } from '../../contract/people';
import type { TicketActor } from '../../contract/tickets';
import type { IntakeStore, TicketActionRow } from '../store/store';
import { appendAction } from '../tickets/ticketLog';

/** Who a session entry is about: the person signed in, or the login someone tried (no department known). */
export type SessionActor = TicketActor;

/** A session entry as the auditor reads it. */
export interface SessionEntry {
  seq: number;
  at: string;
  actor: SessionActor;
  event: SessionEvent;
  /** The address the request came from. */
  address: string;
}

/**
 * Sign-ins, refused sign-ins, lockouts and sign-outs of the work queue (issue 23) go into the same
 * hash-chained action log as ticket actions (tickets/ticketLog.ts), with no ticket, so the
 * auditor's one verification covers them and a removed or changed entry breaks the chain.
 */
export function createSessionLog(store: IntakeStore, now: () => number) {
  return {
    /** Appends one entry after the log's head, in its own transaction (the chain's head is read and written together). */
    async record(actor: SessionActor, event: SessionEvent, address: string): Promise<void> {
      await store.transaction(({ tickets }) => appendAction(tickets, { ticketId: null, at: now(), actor: JSON.stringify(actor), what: JSON.stringify({ event, address }), before: null, after: null }));
    },
    /** The newest session entries, below `beforeSeq` when given. */
    async list(limit: number, beforeSeq?: number): Promise<SessionEntry[]> {
      const rows = await store.tickets.sessionActions(limit, beforeSeq);
      return rows.map(entryOf);
    },
  };
}

function entryOf(row: TicketActionRow): SessionEntry {
  const what = JSON.parse(row.what) as { event: SessionEvent; address: string };
  return { seq: row.seq, at: new Date(row.at).toISOString(), actor: JSON.parse(row.actor) as SessionActor, event: what.event, address: what.address };
}

export type SessionLog = ReturnType<typeof createSessionLog>;
