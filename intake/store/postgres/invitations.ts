import type { InvitationStore } from '../store';
import type { PgSql } from './pgSql';

export function pgInvitations(sql: PgSql): InvitationStore {
  return {
    async insertIfNew(row) {
      const added = await sql.run('INSERT INTO invitations (id, device_id, event_key, body, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [
        row.id,
        row.deviceId,
        row.eventKey,
        row.body,
        row.createdAt,
      ]);
      return added === 1;
    },
    async bodyByEventKey(deviceId, eventKey) {
      return (await sql.row<{ body: string }>('SELECT body FROM invitations WHERE device_id = $1 AND event_key = $2', [deviceId, eventKey]))?.body;
    },
    async pending(deviceId) {
      return (await sql.rows<{ body: string }>('SELECT body FROM invitations WHERE device_id = $1 AND acked_at IS NULL ORDER BY created_at, id', [deviceId])).map((row) => row.body);
    },
    async ack(deviceId, id, at) {
      return (await sql.run('UPDATE invitations SET acked_at = $1 WHERE device_id = $2 AND id = $3 AND acked_at IS NULL', [at, deviceId, id])) === 1;
    },
  };
}
