import Database from 'better-sqlite3';
import { COUNT_FOLLOWUPS_AT_INGEST, migrateDashboard } from './dashboard/dashboardRollup';

export type IntakeDb = Database.Database;

/**
 * Schema steps, applied in order; PRAGMA user_version records how many have run. A step is
 * never edited once released: changes go in a new step. A step is SQL, or a function for
 * backfills that need code (each runs in its own transaction either way).
 */
const MIGRATIONS: Array<string | ((db: IntakeDb) => void)> = [
  `CREATE TABLE devices (
     device_id   TEXT PRIMARY KEY,
     public_key  TEXT NOT NULL,
     enrolled_at INTEGER NOT NULL
   );
   CREATE TABLE enrolment_tokens (
     token_hash TEXT PRIMARY KEY,
     device_id  TEXT,
     expires_at INTEGER NOT NULL,
     used_at    INTEGER,
     used_by    TEXT
   );
   CREATE TABLE outcomes (
     id           TEXT PRIMARY KEY,
     device_id    TEXT NOT NULL,
     seq          INTEGER NOT NULL,
     body_hash    TEXT NOT NULL,
     body         TEXT NOT NULL,
     received_at  INTEGER NOT NULL,
     outcome      TEXT NOT NULL,
     level        INTEGER,
     rated_at     TEXT NOT NULL,
     hall_code    TEXT NOT NULL,
     window_no    TEXT NOT NULL,
     staff_login  TEXT NOT NULL,
     dept_name    TEXT NOT NULL,
     task_code    TEXT NOT NULL
   );
   CREATE INDEX outcomes_device_seq ON outcomes (device_id, seq);
   CREATE INDEX outcomes_received ON outcomes (received_at);`,
  `CREATE TABLE invitations (
     id         TEXT PRIMARY KEY,
     device_id  TEXT NOT NULL,
     event_key  TEXT NOT NULL,
     body       TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     acked_at   INTEGER,
     UNIQUE (device_id, event_key)
   );
   CREATE INDEX invitations_pending ON invitations (device_id, acked_at);`,
  // 差评 follow-ups (国办发〔2019〕51号: every 差评 is followed up; 实名差评 called back).
  `CREATE TABLE followups (
     outcome_id TEXT PRIMARY KEY REFERENCES outcomes (id),
     class      TEXT NOT NULL CHECK (class IN ('immediate', '5wd', '15wd')),
     opened_at  INTEGER NOT NULL,
     due_at     INTEGER NOT NULL,
     closed_at  INTEGER,
     note       TEXT
   );
   CREATE INDEX followups_open ON followups (closed_at, due_at);`,
  // Integrity: per-outcome chain fields and flags, late flags, what the chain audit saw per
  // device, and the key callback phone numbers are sealed to.
  `ALTER TABLE outcomes ADD COLUMN chain_hash TEXT;
   ALTER TABLE outcomes ADD COLUMN prev_hash TEXT;
   ALTER TABLE outcomes ADD COLUMN flags TEXT NOT NULL DEFAULT '';
   ALTER TABLE outcomes ADD COLUMN trusted INTEGER NOT NULL DEFAULT 1;
   ALTER TABLE devices ADD COLUMN flagged_at INTEGER;
   ALTER TABLE devices ADD COLUMN flag_reason TEXT;
   CREATE TABLE late_flags (
     outcome_id  TEXT NOT NULL REFERENCES outcomes (id),
     flag        TEXT NOT NULL,
     count       INTEGER NOT NULL,
     received_at INTEGER NOT NULL,
     PRIMARY KEY (outcome_id, flag)
   );
   CREATE TABLE integrity_events (
     id         INTEGER PRIMARY KEY,
     device_id  TEXT NOT NULL,
     kind       TEXT NOT NULL,
     seq        INTEGER,
     outcome_id TEXT,
     detail     TEXT NOT NULL,
     at         INTEGER NOT NULL
   );
   CREATE INDEX integrity_events_device ON integrity_events (device_id, id);
   CREATE TABLE sealing_keys (
     id         INTEGER PRIMARY KEY CHECK (id = 1),
     public_key TEXT NOT NULL,
     secret_key TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );`,
  // Dashboard pre-aggregation (issue 9): daily counts per dimension and hot words, backfilled.
  migrateDashboard,
  // Staff pairing: a device shows a short code; a staff member confirms it with their login.
  // A confirmed row is the record of who was paired with which device from when.
  `CREATE TABLE pairing_codes (
     code         TEXT NOT NULL,
     device_id    TEXT NOT NULL,
     created_at   INTEGER NOT NULL,
     expires_at   INTEGER NOT NULL,
     replaced_at  INTEGER,
     confirmed_at INTEGER,
     staff_login  TEXT,
     staff        TEXT,
     PRIMARY KEY (device_id, code)
   );
   CREATE INDEX pairing_codes_code ON pairing_codes (code, expires_at);`,
  // Every key a device has enrolled, so outcomes signed before a key rotation can be re-checked.
  `CREATE TABLE device_keys (
     device_id   TEXT NOT NULL,
     public_key  TEXT NOT NULL,
     enrolled_at INTEGER NOT NULL,
     retired_at  INTEGER
   );
   CREATE INDEX device_keys_device ON device_keys (device_id, enrolled_at);
   INSERT INTO device_keys (device_id, public_key, enrolled_at) SELECT device_id, public_key, enrolled_at FROM devices;`,
  COUNT_FOLLOWUPS_AT_INGEST,
];

/** The schema version a fully migrated database reports in PRAGMA user_version. */
export const SCHEMA_VERSION = MIGRATIONS.length;

export function openIntakeDb(file: string): IntakeDb {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // An acknowledged outcome must survive a power cut or kill -9 of the server.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

export function migrate(db: IntakeDb): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let step = current; step < MIGRATIONS.length; step++) {
    db.transaction(() => {
      const migration = MIGRATIONS[step];
      if (typeof migration === 'function') migration(db);
      else db.exec(migration as string);
      db.pragma(`user_version = ${step + 1}`);
    })();
  }
  return MIGRATIONS.length;
}
