import { v7 as uuidv7 } from 'uuid';
import type { CaseEvent } from '../../contract/caseEvent';
import type { Invitation } from '../../contract/invitation';
import type { InvitationStore } from '../store/store';
import { localInvitationBus, type FeedOpened, type InvitationBus } from './invitationBus';

/**
 * Invitations for PADs that have no host: the window business system posts a case event to the
 * intake, the PAD holds a Server-Sent Events feed open and acknowledges what it has stored.
 * Unacknowledged invitations are sent again on every (re)connection. A new invitation reaches the
 * open feeds through `bus` (every node's, when nodes share a database).
 */
export function createInvitationFeed(invitations: InvitationStore, now: () => number = Date.now, bus: InvitationBus = localInvitationBus()) {

  return {
    /** Returns the invitation and whether it is new (a resend of the same event is not). */
    async post(deviceId: string, event: CaseEvent): Promise<{ invitation: Invitation; created: boolean }> {
      const key = event.eventId !== undefined ? `id:${event.eventId}` : `case:${event.event}:${event.case.projectNo}`;
      const invitation: Invitation = { id: uuidv7(), event: event.event, case: event.case, staff: event.staff, receivedAtMs: now() };
      const created = await invitations.insertIfNew({ id: invitation.id, deviceId, eventKey: key, body: JSON.stringify(invitation), createdAt: invitation.receivedAtMs });
      const stored = created ? invitation : (JSON.parse((await invitations.bodyByEventKey(deviceId, key)) as string) as Invitation);
      if (created) await bus.publish(deviceId, stored);
      return { invitation: stored, created };
    },
    pending: async (deviceId: string): Promise<Invitation[]> => (await invitations.pending(deviceId)).map((body) => JSON.parse(body) as Invitation),
    ack: (deviceId: string, id: string): Promise<boolean> => invitations.ack(deviceId, id, now()),
    subscribe: (deviceId: string, listener: (invitation: Invitation) => void): (() => void) => bus.subscribe(deviceId, listener),
    /** Announces a feed the device opened here; answers when, on the clock every node shares. */
    opened: (deviceId: string, feedId: string): Promise<number> => bus.feedOpened(deviceId, feedId),
    onOpened: (listener: (opened: FeedOpened) => void): (() => void) => bus.onFeedOpened(listener),
    onHeardAgain: (listener: () => void): (() => void) => bus.onHeardAgain(listener),
  };
}
