/**
 * Every key a device has enrolled, so outcomes signed before a key rotation can be re-checked.
 * Released: never edited; a change is a new step.
 */
export const step007 = `CREATE TABLE device_keys (
     device_id   TEXT NOT NULL,
     public_key  TEXT NOT NULL,
     enrolled_at INTEGER NOT NULL,
     retired_at  INTEGER
   );
   CREATE INDEX device_keys_device ON device_keys (device_id, enrolled_at);
   INSERT INTO device_keys (device_id, public_key, enrolled_at) SELECT device_id, public_key, enrolled_at FROM devices;`;
