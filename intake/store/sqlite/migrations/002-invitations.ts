/**
 * Invitations for PADs without a host (the SSE feed), one per device and event key.
 * Released: never edited; a change is a new step.
 */
export const step002 = `CREATE TABLE invitations (
     id         TEXT PRIMARY KEY,
     device_id  TEXT NOT NULL,
     event_key  TEXT NOT NULL,
     body       TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     acked_at   INTEGER,
     UNIQUE (device_id, event_key)
   );
   CREATE INDEX invitations_pending ON invitations (device_id, acked_at);`;
