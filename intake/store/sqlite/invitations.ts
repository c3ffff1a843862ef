import type { InvitationStore } from '../store';
import type { SqliteDb } from './sqliteDb';

export function sqliteInvitations(db: SqliteDb): InvitationStore {
  const insert = db.prepare('INSERT OR IGNORE INTO invitations (id, device_id, event_key, body, created_at) VALUES (?, ?, ?, ?, ?)');
  const byKey = db.prepare<[string, string], { body: string }>('SELECT body FROM invitations WHERE device_id = ? AND event_key = ?');
  const pending = db.prepare<[string], { body: string }>('SELECT body FROM invitations WHERE device_id = ? AND acked_at IS NULL ORDER BY created_at, id');
  const ack = db.prepare('UPDATE invitations SET acked_at = ? WHERE device_id = ? AND id = ? AND acked_at IS NULL');
  return {
    async insertIfNew(row) {
      return insert.run(row.id, row.deviceId, row.eventKey, row.body, row.createdAt).changes === 1;
    },
    async bodyByEventKey(deviceId, eventKey) {
      return byKey.get(deviceId, eventKey)?.body;
    },
    async pending(deviceId) {
      return pending.all(deviceId).map((row) => row.body);
    },
    async ack(deviceId, id, at) {
      return ack.run(at, deviceId, id).changes === 1;
    },
  };
}
