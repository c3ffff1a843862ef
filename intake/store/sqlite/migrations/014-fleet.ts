/**
 * Heartbeats and fleet flags (issue 20): the latest heartbeat of each device (the next one
 * replaces it), and every flag ever raised from them, kept once closed with when and by what.
 * At most one flag of a kind is open per device.
 * Released: never edited; a change is a new step.
 */
export const step014 = `
  CREATE TABLE device_heartbeats (
    device_id     TEXT PRIMARY KEY,
    hall_code     TEXT NOT NULL,
    received_at   INTEGER NOT NULL,
    body          TEXT NOT NULL,
    missing_since INTEGER
  ) WITHOUT ROWID;
  CREATE TABLE fleet_flags (
    id        INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL,
    kind      TEXT NOT NULL,
    opened_at INTEGER NOT NULL,
    detail    TEXT NOT NULL,
    closed_at INTEGER,
    closed_by TEXT
  );
  CREATE UNIQUE INDEX fleet_flags_one_open ON fleet_flags (device_id, kind) WHERE closed_at IS NULL;
  CREATE INDEX fleet_flags_device ON fleet_flags (device_id, opened_at);`;
