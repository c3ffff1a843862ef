import { v7 as uuidv7 } from 'uuid';
import type { CaseEvent } from '../contract/caseEvent';
import type { Invitation } from '../contract/invitation';
import type { InvitationJournal, JournalRecord } from './invitationJournal';

export type EnqueueResult =
  | { status: 'queued'; invitation: Invitation }
  | { status: 'duplicate'; invitationId: string }
  | { status: 'full' }
  /** The journal could not make the invitation durable: nothing changed, the sender should retry. */
  | { status: 'unrecorded' };

export interface QueueLimits {
  maxUnacked: number;
  /** How many case events (acknowledged or not) the queue remembers to answer resends as duplicates. */
  rememberSeen: number;
}

/**
 * Invitations the host has accepted but the renderer has not yet made durable. Each stays
 * until acknowledged and is resent on every reconnect. Resends of the same case event (same
 * eventId, or same case and event kind) map to the same invitation, so a retrying business
 * system never makes the citizen rate twice.
 *
 * With a journal, every change is recorded before it takes effect in memory, so what the queue
 * answered survives a restart: a queued invitation is on disk before `enqueue` returns it, and a
 * queue built on the same journal after a crash holds the same invitations and dedupe memory.
 * Acknowledgements are recorded too, so a restart does not hand the page what it already took.
 */
export class InvitationQueue {
  private readonly unacked = new Map<string, Invitation>();
  /** Recently seen case events → invitation id, acknowledged or not, oldest first. */
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly limits: QueueLimits = { maxUnacked: 500, rememberSeen: 10_000 },
    private readonly now: () => number = Date.now,
    private readonly journal: InvitationJournal | null = null,
  ) {
    if (journal) for (const record of journal.replay()) this.apply(record);
  }

  /**
   * Rewrites the journal as the current state. The host calls it once at start, after it owns its
   * port (so a second host started by mistake on the same data directory, which fails to listen,
   * never rewrites the journal under the running one); later the queue compacts by itself.
   */
  compactJournal(): void {
    this.journal?.compact(this.records());
  }

  enqueue(event: CaseEvent): EnqueueResult {
    const key = dedupeKey(event);
    const known = this.seen.get(key);
    if (known !== undefined) return { status: 'duplicate', invitationId: known };
    if (this.unacked.size >= this.limits.maxUnacked) return { status: 'full' };

    const invitation: Invitation = {
      id: uuidv7(),
      event: event.event,
      case: event.case,
      staff: event.staff,
      receivedAtMs: this.now(),
    };
    const record: JournalRecord = { op: 'queued', key, invitation };
    if (!this.record(record)) return { status: 'unrecorded' };
    this.apply(record);
    this.compactIfGrown();
    return { status: 'queued', invitation };
  }

  ack(invitationId: string): boolean {
    if (!this.unacked.has(invitationId)) return false;
    // An acknowledgement that cannot be recorded still counts here: at worst a restart hands the
    // page this invitation again, and the page ignores an invitation id it already has.
    const record: JournalRecord = { op: 'acked', id: invitationId };
    this.record(record);
    this.apply(record);
    this.compactIfGrown();
    return true;
  }

  pending(): Invitation[] {
    return [...this.unacked.values()];
  }

  /** The queue's whole state as journal records, oldest first: what compaction writes. */
  records(): JournalRecord[] {
    const keyed = new Set<string>();
    const remembered: JournalRecord[] = [];
    for (const [key, id] of this.seen) {
      const invitation = this.unacked.get(id);
      if (invitation) {
        keyed.add(id);
        remembered.push({ op: 'queued', key, invitation });
      } else {
        remembered.push({ op: 'seen', key, id });
      }
    }
    // Unacknowledged invitations whose case event fell out of the dedupe memory are the oldest.
    const unkeyed: JournalRecord[] = this.pending()
      .filter((invitation) => !keyed.has(invitation.id))
      .map((invitation) => ({ op: 'queued', invitation }));
    return [...unkeyed, ...remembered];
  }

  /** Writes a record to the journal (if any); false when it could not be made durable. */
  private record(record: JournalRecord): boolean {
    if (!this.journal) return true;
    try {
      this.journal.append(record);
    } catch {
      return false;
    }
    return true;
  }

  /** Rewrites the journal as the current state once it holds more appended lines than the dedupe memory. */
  private compactIfGrown(): void {
    if (this.journal && this.journal.appendedSinceCompaction() >= this.limits.rememberSeen) this.compactJournal();
  }

  /** The one place state changes, for live operations and replay alike. */
  private apply(record: JournalRecord): void {
    switch (record.op) {
      case 'queued': {
        const earlier = record.key === undefined ? undefined : this.seen.get(record.key);
        // Two invitations under one remembered key: the earlier one's write failed (answered 503)
        // yet reached the disk, and the resend made the later one. Only the later was promised.
        if (earlier !== undefined && earlier !== record.invitation.id) this.unacked.delete(earlier);
        this.unacked.set(record.invitation.id, record.invitation);
        if (record.key !== undefined) this.remember(record.key, record.invitation.id);
        return;
      }
      case 'seen':
        this.remember(record.key, record.id);
        return;
      case 'acked':
        this.unacked.delete(record.id);
        return;
    }
  }

  private remember(key: string, invitationId: string): void {
    this.seen.delete(key);
    this.seen.set(key, invitationId);
    while (this.seen.size > this.limits.rememberSeen) {
      const oldest = this.seen.keys().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
  }
}

function dedupeKey(event: CaseEvent): string {
  return event.eventId !== undefined ? `id:${event.eventId}` : `case:${event.event}:${event.case.projectNo}`;
}
