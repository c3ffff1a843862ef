/**
 * Devices, single-use enrolment tokens and the outcomes they send.
 * Released: never edited; a change is a new step.
 */
export const step001 = `CREATE TABLE devices (
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
   CREATE INDEX outcomes_received ON outcomes (received_at);`;
