/**
 * Sign-ins and sign-outs of the work queue go into the tickets' hash-chained action log (issue 23,
 * SQLite's step 023): an entry about a session names no ticket and has no state after it.
 * Released: never edited; a change is a new step.
 */
export const step005 = `
  ALTER TABLE ticket_actions ALTER COLUMN ticket_id DROP NOT NULL;
  ALTER TABLE ticket_actions ALTER COLUMN after DROP NOT NULL;
  ALTER TABLE ticket_actions ADD CONSTRAINT ticket_actions_session_or_state CHECK (ticket_id IS NULL OR after IS NOT NULL);
  CREATE INDEX ticket_actions_sessions ON ticket_actions (seq) WHERE ticket_id IS NULL;
`;
