/**
 * Abuse limits kept in the database (issue 18), so they survive a restart and hold for every
 * intake node sharing it: failed staff logins and wrong pairing codes per login and address
 * (keys are SHA-256 hex, never the login or the address themselves), fixed-window request
 * counters (@fastify/rate-limit's store), and wrong passwords tried against each pairing code
 * (a code is burned after a few).
 * Released: never edited; a change is a new step.
 */
export const step013 = `
  CREATE TABLE login_failures (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until INTEGER NOT NULL DEFAULT 0,
    last_at      INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX login_failures_last ON login_failures (last_at);
  CREATE TABLE rate_limits (
    key      TEXT PRIMARY KEY,
    count    INTEGER NOT NULL,
    reset_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX rate_limits_reset ON rate_limits (reset_at);
  ALTER TABLE pairing_codes ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;`;
