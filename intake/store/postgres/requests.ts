import type { RequestStore } from '../store';
import type { PgSql } from './pgSql';

export function pgRequests(sql: PgSql): RequestStore {
  return {
    async useNonce(deviceId, nonce, expiresAt, at) {
      // One statement (every signed request pays it): nonces past their time are forgotten, this
      // device's own expired use of the nonce included, which is why a conflict with it counts as new.
      const added = await sql.run(
        `WITH forgotten AS (DELETE FROM request_nonces WHERE expires_at < $4 AND NOT (device_id = $1 AND nonce = $2))
         INSERT INTO request_nonces (device_id, nonce, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (device_id, nonce) DO UPDATE SET expires_at = excluded.expires_at WHERE request_nonces.expires_at < $4`,
        [deviceId, nonce, expiresAt, at],
      );
      return added === 1;
    },
    async addFeedTicket(ticketHash, deviceId, expiresAt, at) {
      await sql.atomic(async (tx) => {
        await tx.run('DELETE FROM feed_tickets WHERE expires_at < $1', [at]);
        await tx.run('INSERT INTO feed_tickets (ticket_hash, device_id, expires_at) VALUES ($1, $2, $3)', [ticketHash, deviceId, expiresAt]);
      });
    },
    async redeemFeedTicket(ticketHash, deviceId, at) {
      const used = await sql.run('UPDATE feed_tickets SET used_at = $1 WHERE ticket_hash = $2 AND device_id = $3 AND used_at IS NULL AND expires_at > $1', [at, ticketHash, deviceId]);
      return used === 1;
    },
  };
}
