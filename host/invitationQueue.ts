import { v7 as uuidv7 } from 'uuid';
import type { CaseEvent } from '../contract/caseEvent';
import type { Invitation } from '../contract/invitation';

export type EnqueueResult =
  | { status: 'queued'; invitation: Invitation }
  | { status: 'duplicate'; invitation: Invitation }
  | { status: 'full' };

/**
 * Invitations the host has accepted but the renderer has not yet made durable. Each stays
 * until acknowledged and is resent on every reconnect. Resends of the same case event (same
 * eventId, or same case and event kind) map to the same invitation, so a retrying business
 * system never makes the citizen rate twice.
 */
export class InvitationQueue {
  private readonly unacked = new Map<string, Invitation>();
  /** Recently seen case events → invitation, acknowledged or not, oldest first. */
  private readonly seen = new Map<string, Invitation>();

  constructor(
    private readonly limits = { maxUnacked: 500, rememberSeen: 10_000 },
    private readonly now: () => number = Date.now,
  ) {}

  enqueue(event: CaseEvent): EnqueueResult {
    const key = dedupeKey(event);
    const known = this.seen.get(key);
    if (known) return { status: 'duplicate', invitation: known };
    if (this.unacked.size >= this.limits.maxUnacked) return { status: 'full' };

    const invitation: Invitation = {
      id: uuidv7(),
      event: event.event,
      case: event.case,
      staff: event.staff,
      receivedAtMs: this.now(),
    };
    this.unacked.set(invitation.id, invitation);
    this.seen.set(key, invitation);
    if (this.seen.size > this.limits.rememberSeen) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return { status: 'queued', invitation };
  }

  ack(invitationId: string): boolean {
    return this.unacked.delete(invitationId);
  }

  pending(): Invitation[] {
    return [...this.unacked.values()];
  }
}

function dedupeKey(event: CaseEvent): string {
  return event.eventId !== undefined ? `id:${event.eventId}` : `case:${event.event}:${event.case.projectNo}`;
}
