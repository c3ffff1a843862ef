/**
 * A phone 差评 opens its follow-up and ticket, and every phone rating is queued for the province
 * (issue 24, SQLite's step 022): the rating is in `outcomes` or in `phone_ratings`, so the
 * follow-ups, tickets and forwarding queue no longer refer to the outcome ids alone.
 * Released: never edited; a change is a new step.
 */
export const step004 = `
  ALTER TABLE followups DROP CONSTRAINT followups_outcome_id_fkey;
  ALTER TABLE tickets DROP CONSTRAINT tickets_outcome_id_fkey;
  ALTER TABLE forward_queue DROP CONSTRAINT forward_queue_outcome_id_fkey;
`;
