/**
 * Ticket state upstream (issue 23): a destination whose interface takes a 差评 ticket's state and
 * determination is flagged (ticket_state, set at start from its adapter), and each ticket
 * transition that changes the stage or the finding queues one record per such destination of the
 * ticket's hall, keyed by the ticket and the action-log seq of the transition, with the state as
 * sent (body). The same states and columns as forward_queue (forwarding/forwardState.ts).
 * Released: never edited; a change is a new step.
 */
export const step025 = `
  ALTER TABLE forward_destinations ADD COLUMN ticket_state INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE forward_ticket_states (
    ticket_id       TEXT NOT NULL REFERENCES tickets (id),
    seq             INTEGER NOT NULL,
    destination     TEXT NOT NULL,
    body            TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'acknowledged', 'refused')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    ack_id          TEXT,
    ack_kind        TEXT CHECK (ack_kind IN ('accepted', 'duplicate')),
    stored_at       INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, seq, destination),
    CHECK (state <> 'acknowledged' OR ack_kind IS NOT NULL)
  ) WITHOUT ROWID;
  CREATE INDEX forward_ticket_states_due ON forward_ticket_states (destination, state, next_attempt_at);`;
