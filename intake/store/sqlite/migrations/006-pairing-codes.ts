/**
 * Staff pairing: a device shows a short code; a staff member confirms it with their login.
 * A confirmed row is the record of who was paired with which device from when.
 * Released: never edited; a change is a new step.
 */
export const step006 = `CREATE TABLE pairing_codes (
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
   CREATE INDEX pairing_codes_code ON pairing_codes (code, expires_at);`;
