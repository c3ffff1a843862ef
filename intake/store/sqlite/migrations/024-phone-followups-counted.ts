import { FREE_RATING_TASK_CODE } from '../../../../contract/freeRating';
import { followupCountingOfRatings, recountFollowups } from '../dashboardSql';
import type { SqliteDb } from '../sqliteDb';

/** A field of the stored body; a damaged body reads as NULL (the re-check reports it), never breaks a write. */
const field = (path: string) => `(CASE WHEN json_valid(body) THEN json_extract(body, '${path}') END)`;

/**
 * A phone 差评's follow-up counts in the dashboard's follow-up figures (opened, closed, closed
 * late, open and not yet due) as a device 差评's does (issue 24). phone_ratings gets the outcomes'
 * key columns, read from its signed body as ingest/ratingRecord.ts reads a phone rating (a
 * window's rating: the window's department, taskCode WINDOW-SERVICE, "<window>服务评价", no staff),
 * so the follow-up triggers and the dashboard queries find a rating's hall, day and keys in either
 * table. The triggers are made again to read both, and every count row's follow-up figures are
 * recounted from the stored follow-ups: until now a phone 差评's follow-up counted nowhere.
 * Released: never edited; a change is a new step.
 */
export function step024(db: SqliteDb): void {
  db.exec(`
    ALTER TABLE phone_ratings ADD COLUMN rated_at TEXT GENERATED ALWAYS AS (${field('$.ratedAt')}) VIRTUAL;
    ALTER TABLE phone_ratings ADD COLUMN level INTEGER GENERATED ALWAYS AS (${field('$.level')}) VIRTUAL;
    ALTER TABLE phone_ratings ADD COLUMN dept_name TEXT GENERATED ALWAYS AS (COALESCE(${field('$.case.deptName')}, ${field('$.deptName')}, ${field('$.window.windowName')})) VIRTUAL;
    ALTER TABLE phone_ratings ADD COLUMN staff_login TEXT GENERATED ALWAYS AS (${field('$.staff.loginName')}) VIRTUAL;
    ALTER TABLE phone_ratings ADD COLUMN task_code TEXT GENERATED ALWAYS AS (COALESCE(${field('$.case.taskCode')}, '${FREE_RATING_TASK_CODE}')) VIRTUAL;
    ALTER TABLE phone_ratings ADD COLUMN task_name TEXT GENERATED ALWAYS AS (COALESCE(${field('$.case.taskName')}, ${field('$.window.windowName')} || '服务评价')) VIRTUAL;
    DROP TRIGGER dashboard_followup_insert;
    DROP TRIGGER dashboard_followup_update;
    DROP TRIGGER dashboard_followup_delete;
    CREATE TRIGGER dashboard_followup_insert AFTER INSERT ON followups WHEN NOT NEW.counted_on_ingest BEGIN ${followupCountingOfRatings('NEW', '+')}
    END;
    CREATE TRIGGER dashboard_followup_update AFTER UPDATE OF closed_at, due_at ON followups BEGIN ${followupCountingOfRatings('OLD', '-')} ${followupCountingOfRatings('NEW', '+')}
    END;
    CREATE TRIGGER dashboard_followup_delete AFTER DELETE ON followups BEGIN ${followupCountingOfRatings('OLD', '-')}
    END;`);
  recountFollowups(db);
}
