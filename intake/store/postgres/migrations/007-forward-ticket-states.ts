/**
 * Ticket state upstream (issue 23), as SQLite step 25: destinations flagged for ticket states, and
 * one queued record per (ticket, action-log seq of the transition, destination), with the state as
 * sent. Released: never edited; a change is a new step.
 */
export const step007 = `
  ALTER TABLE forward_destinations ADD COLUMN ticket_state BOOLEAN NOT NULL DEFAULT FALSE;
  CREATE TABLE forward_ticket_states (
    ticket_id       TEXT COLLATE "C" NOT NULL REFERENCES tickets (id),
    seq             BIGINT NOT NULL,
    destination     TEXT COLLATE "C" NOT NULL,
    body            TEXT COLLATE "C" NOT NULL,
    state           TEXT COLLATE "C" NOT NULL CHECK (state IN ('pending', 'sending', 'acknowledged', 'refused')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT COLLATE "C",
    ack_id          TEXT COLLATE "C",
    ack_kind        TEXT COLLATE "C" CHECK (ack_kind IN ('accepted', 'duplicate')),
    stored_at       BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, seq, destination),
    CHECK (state <> 'acknowledged' OR ack_kind IS NOT NULL)
  );
  CREATE INDEX forward_ticket_states_due ON forward_ticket_states (destination, state, next_attempt_at);`;
