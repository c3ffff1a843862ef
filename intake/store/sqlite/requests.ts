import type { RequestStore } from '../store';
import { relaxedDurability } from './relaxedDurability';
import type { SqliteDb } from './sqliteDb';

export function sqliteRequests(db: SqliteDb): RequestStore {
  const useNonce = db.prepare('INSERT OR IGNORE INTO request_nonces (device_id, nonce, expires_at) VALUES (?, ?, ?)');
  const pruneNonces = db.prepare('DELETE FROM request_nonces WHERE expires_at < ?');
  const addTicket = db.prepare('INSERT INTO feed_tickets (ticket_hash, device_id, expires_at) VALUES (?, ?, ?)');
  const pruneTickets = db.prepare('DELETE FROM feed_tickets WHERE expires_at < ?');
  const redeem = db.prepare('UPDATE feed_tickets SET used_at = ? WHERE ticket_hash = ? AND device_id = ? AND used_at IS NULL AND expires_at > ?');
  const useNonceAndPrune = db.transaction((deviceId: string, nonce: string, expiresAt: number, at: number) => {
    pruneNonces.run(at);
    return useNonce.run(deviceId, nonce, expiresAt).changes === 1;
  });
  return {
    async useNonce(deviceId, nonce, expiresAt, at) {
      return relaxedDurability(db, () => useNonceAndPrune(deviceId, nonce, expiresAt, at));
    },
    async addFeedTicket(ticketHash, deviceId, expiresAt, at) {
      relaxedDurability(db, () => {
        pruneTickets.run(at);
        addTicket.run(ticketHash, deviceId, expiresAt);
      });
    },
    async redeemFeedTicket(ticketHash, deviceId, at) {
      return relaxedDurability(db, () => redeem.run(at, ticketHash, deviceId, at).changes === 1);
    },
  };
}
