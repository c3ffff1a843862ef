/**
 * The forwarding queue (issue 22): the destinations a hall's ratings go to, and one row per stored
 * rating and destination with its state (forwarding/forwardState.ts), attempts, next attempt (or
 * the lease of a send in progress), last error and the province's acknowledgement.
 * Released: never edited; a change is a new step.
 */
export const step017 = `
  CREATE TABLE forward_destinations (
    name      TEXT NOT NULL,
    hall_code TEXT NOT NULL,
    PRIMARY KEY (name, hall_code)
  ) WITHOUT ROWID;
  CREATE TABLE forward_queue (
    outcome_id      TEXT NOT NULL REFERENCES outcomes (id),
    destination     TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'acknowledged', 'refused')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    ack_id          TEXT,
    ack_kind        TEXT CHECK (ack_kind IN ('accepted', 'duplicate')),
    stored_at       INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (outcome_id, destination),
    CHECK (state <> 'acknowledged' OR ack_kind IS NOT NULL)
  ) WITHOUT ROWID;
  CREATE INDEX forward_queue_due ON forward_queue (destination, state, next_attempt_at);
  CREATE INDEX forward_queue_stored ON forward_queue (stored_at);`;
