import { followupCounting } from '../dashboardSql';

/**
 * Follow-ups opened by ingest are counted in the ingest's batch tally (the insert trigger ran
 * ten statements per 差评, a third of ingest time); the trigger stays for follow-ups written
 * any other way.
 * Released: never edited; a change is a new step.
 */
export const step008 = `
  ALTER TABLE followups ADD COLUMN counted_on_ingest INTEGER NOT NULL DEFAULT 0;
  DROP TRIGGER dashboard_followup_insert;
  CREATE TRIGGER dashboard_followup_insert AFTER INSERT ON followups WHEN NOT NEW.counted_on_ingest BEGIN ${followupCounting('NEW', '+')}
  END;`;
