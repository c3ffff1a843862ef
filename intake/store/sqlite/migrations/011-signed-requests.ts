/**
 * Signed-request bookkeeping (issue 18): every nonce a device used, kept until its request could
 * no longer be accepted anyway (timestamp + 2 minutes), so a replay is refused across restarts
 * and, later, across intake nodes sharing the database; and the single-use tickets that open a
 * device's invitation feed (their SHA-256 only).
 * Released: never edited; a change is a new step.
 */
export const step011 = `
  CREATE TABLE request_nonces (
    device_id  TEXT NOT NULL,
    nonce      TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, nonce)
  ) WITHOUT ROWID;
  CREATE INDEX request_nonces_expiry ON request_nonces (expires_at);
  CREATE TABLE feed_tickets (
    ticket_hash TEXT PRIMARY KEY,
    device_id   TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
  );
  CREATE INDEX feed_tickets_expiry ON feed_tickets (expires_at);`;
