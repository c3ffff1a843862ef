/**
 * 差评 tickets (issue 23, intake/tickets/): one row per 差评 (or ticket dispatched from above)
 * with its stage, running deadline and version, the machine's state as JSON; and the
 * dispatch as received for a ticket from above (12345, province, city); and the
 * append-only action log, hash-chained in log order (intake/tickets/ticketLog.ts verifies it).
 * The database refuses to change or remove a log entry. Tickets for 差评 stored before this step
 * are opened by the intake at start (intake/tickets/tickets.ts backfill: deadlines need the
 * hall's working-day calendar, which a schema step does not have).
 * Released: never edited; a change is a new step.
 */
export const step018 = `
  CREATE TABLE tickets (
    id          TEXT PRIMARY KEY,
    outcome_id  TEXT UNIQUE REFERENCES outcomes (id),
    hall_code   TEXT,
    department  TEXT,
    stage       TEXT NOT NULL CHECK (stage IN ('opened', 'contacted', 'determined', 'appealed', 'rectifying', 'rectified', 'feedback_given', 'closed')),
    due_at      INTEGER,
    opened_at   INTEGER NOT NULL,
    excluded    INTEGER NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL CHECK (version >= 1),
    state       TEXT NOT NULL,
    dispatch    TEXT
  );
  CREATE INDEX tickets_opened ON tickets (opened_at, id);
  CREATE INDEX tickets_running ON tickets (stage, due_at);
  CREATE TABLE ticket_actions (
    seq        INTEGER PRIMARY KEY,
    ticket_id  TEXT NOT NULL REFERENCES tickets (id),
    at         INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    what       TEXT NOT NULL,
    before     TEXT,
    after      TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
  );
  CREATE INDEX ticket_actions_ticket ON ticket_actions (ticket_id, seq);
  CREATE TRIGGER ticket_actions_no_update BEFORE UPDATE ON ticket_actions BEGIN SELECT RAISE(ABORT, 'the ticket action log is append-only'); END;
  CREATE TRIGGER ticket_actions_no_delete BEFORE DELETE ON ticket_actions BEGIN SELECT RAISE(ABORT, 'the ticket action log is append-only'); END;`;
