/**
 * Press records (issue 15): a press is stored at once and details, confirm and withdrawal arrive
 * as records that amend it. Each record's invitation and what it amends are columns (read from
 * the signed body, so the re-check compares them); `merge` is what the record is to the merged
 * view (ingest/mergeRules.ts). Everything stored before is a rating in force.
 * Released: never edited; a change is a new step.
 */
export const step009 = `
  ALTER TABLE outcomes ADD COLUMN invitation_id TEXT;
  ALTER TABLE outcomes ADD COLUMN amends_id TEXT;
  ALTER TABLE outcomes ADD COLUMN amends_kind TEXT;
  ALTER TABLE outcomes ADD COLUMN merge TEXT NOT NULL DEFAULT 'rating'
    CHECK (merge IN ('rating', 'withdrawn', 'second', 'amendment', 'orphan'));
  UPDATE outcomes SET invitation_id = json_extract(body, '$.invitationId');
  CREATE INDEX outcomes_invitation ON outcomes (device_id, invitation_id);
  CREATE INDEX outcomes_amends ON outcomes (amends_id);`;
