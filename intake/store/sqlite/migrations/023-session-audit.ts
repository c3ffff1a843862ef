/**
 * Sign-ins and sign-outs of the work queue go into the same hash-chained action log as ticket
 * actions (issue 23), so the auditor verifies one chain: an entry about a session names no
 * ticket and has no ticket state after it. The log is rebuilt with ticket_id and after allowed
 * to be NULL (only together with a NULL ticket_id for after); every entry is copied as it was,
 * and the append-only triggers are set again on the new table.
 * Released: never edited; a change is a new step.
 */
export const step023 = `
  CREATE TABLE ticket_actions_023 (
    seq        INTEGER PRIMARY KEY,
    ticket_id  TEXT REFERENCES tickets (id),
    at         INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    what       TEXT NOT NULL,
    before     TEXT,
    after      TEXT,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL,
    CHECK (ticket_id IS NULL OR after IS NOT NULL)
  );
  INSERT INTO ticket_actions_023 (seq, ticket_id, at, actor, what, before, after, prev_hash, hash)
    SELECT seq, ticket_id, at, actor, what, before, after, prev_hash, hash FROM ticket_actions;
  DROP TABLE ticket_actions;
  ALTER TABLE ticket_actions_023 RENAME TO ticket_actions;
  CREATE INDEX ticket_actions_ticket ON ticket_actions (ticket_id, seq);
  CREATE TRIGGER ticket_actions_no_update BEFORE UPDATE ON ticket_actions BEGIN SELECT RAISE(ABORT, 'the ticket action log is append-only'); END;
  CREATE TRIGGER ticket_actions_no_delete BEFORE DELETE ON ticket_actions BEGIN SELECT RAISE(ABORT, 'the ticket action log is append-only'); END;`;
