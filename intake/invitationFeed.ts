import { EventEmitter } from 'node:events';
import { v7 as uuidv7 } from 'uuid';
import type { CaseEvent } from '../contract/caseEvent';
import type { Invitation } from '../contract/invitation';
import type { IntakeDb } from './database';

/**
 * Invitations for PADs that have no host: the window business system posts a case event to the
 * intake, the PAD holds a Server-Sent Events feed open and acknowledges what it has stored.
 * Unacknowledged invitations are sent again on every (re)connection.
 */
export function createInvitationFeed(db: IntakeDb, now: () => number = Date.now) {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const insert = db.prepare('INSERT OR IGNORE INTO invitations (id, device_id, event_key, body, created_at) VALUES (?, ?, ?, ?, ?)');
  const byKey = db.prepare<[string, string], { body: string }>('SELECT body FROM invitations WHERE device_id = ? AND event_key = ?');
  const pending = db.prepare<[string], { body: string }>('SELECT body FROM invitations WHERE device_id = ? AND acked_at IS NULL ORDER BY created_at, id');
  const ack = db.prepare('UPDATE invitations SET acked_at = ? WHERE device_id = ? AND id = ? AND acked_at IS NULL');

  return {
    /** Returns the invitation and whether it is new (a resend of the same event is not). */
    post(deviceId: string, event: CaseEvent): { invitation: Invitation; created: boolean } {
      const key = event.eventId !== undefined ? `id:${event.eventId}` : `case:${event.event}:${event.case.projectNo}`;
      const invitation: Invitation = { id: uuidv7(), event: event.event, case: event.case, staff: event.staff, receivedAtMs: now() };
      const created = insert.run(invitation.id, deviceId, key, JSON.stringify(invitation), invitation.receivedAtMs).changes === 1;
      const stored = created ? invitation : (JSON.parse((byKey.get(deviceId, key) as { body: string }).body) as Invitation);
      if (created) emitter.emit(deviceId, stored);
      return { invitation: stored, created };
    },
    pending: (deviceId: string): Invitation[] => pending.all(deviceId).map((row) => JSON.parse(row.body) as Invitation),
    ack: (deviceId: string, id: string): boolean => ack.run(now(), deviceId, id).changes === 1,
    subscribe(deviceId: string, listener: (invitation: Invitation) => void): () => void {
      emitter.on(deviceId, listener);
      return () => emitter.off(deviceId, listener);
    },
  };
}
