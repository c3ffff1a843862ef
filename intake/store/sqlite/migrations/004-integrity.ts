/**
 * Integrity: per-outcome chain fields and flags, late flags, what the chain audit saw per
 * device, and the key callback phone numbers are sealed to.
 * Released: never edited; a change is a new step.
 */
export const step004 = `ALTER TABLE outcomes ADD COLUMN chain_hash TEXT;
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
   );`;
