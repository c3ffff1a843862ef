import { FREE_RATING_TASK_CODE } from '../../../../contract/freeRating';

/** Every rating a follow-up can stand for, with the columns the dashboard counts by: a device's outcome or a phone rating. */
export const RATINGS = `
  SELECT id, hall_code, rated_at, dept_name, window_no, staff_login, task_code, intake_json(body) #>> '{case,taskName}' AS task_name, body FROM outcomes
  UNION ALL
  SELECT id, hall_code, rated_at, dept_name, window_no, staff_login, task_code, task_name, body FROM phone_ratings`;

/** A rating's (x) dimensions: key and label; a window's phone rating names no staff member (NULL key, no row). */
export const DIMENSIONS = `
  LATERAL (VALUES ('hall', x.hall_code, x.hall_code),
                  ('dept', x.dept_name, x.dept_name),
                  ('window', x.window_no, intake_json(x.body) #>> '{window,windowName}'),
                  ('staff', x.staff_login, intake_json(x.body) #>> '{staff,name}'),
                  ('item', x.task_code, x.task_name)) AS d (dim, key, label)`;

const field = (path: string) => `(intake_json(body) #>> '{${path}}')`;

/**
 * A phone 差评's follow-up counts in the dashboard's follow-up figures as a device 差评's does
 * (issue 24; SQLite's step 024): phone_ratings gets the outcomes' key columns, read from its
 * signed body as ingest/ratingRecord.ts reads a phone rating (a window's rating: the window's
 * department, taskCode WINDOW-SERVICE, "<window>服务评价", no staff); the follow-up trigger's
 * function reads either table; every count row's follow-up figures are recounted from the stored
 * follow-ups (a phone 差评's follow-up counted nowhere until now).
 * Released: never edited; a change is a new step.
 */
export const step006 = `
  ALTER TABLE phone_ratings
    ADD COLUMN rated_at TEXT COLLATE "C" GENERATED ALWAYS AS (${field('ratedAt')}) STORED,
    ADD COLUMN level INTEGER GENERATED ALWAYS AS (CASE WHEN jsonb_typeof(intake_json(body) -> 'level') = 'number' THEN (intake_json(body) ->> 'level')::numeric::integer END) STORED,
    ADD COLUMN dept_name TEXT COLLATE "C" GENERATED ALWAYS AS (COALESCE(${field('case,deptName')}, ${field('deptName')}, ${field('window,windowName')})) STORED,
    ADD COLUMN staff_login TEXT COLLATE "C" GENERATED ALWAYS AS (${field('staff,loginName')}) STORED,
    ADD COLUMN task_code TEXT COLLATE "C" GENERATED ALWAYS AS (COALESCE(${field('case,taskCode')}, '${FREE_RATING_TASK_CODE}')) STORED,
    ADD COLUMN task_name TEXT COLLATE "C" GENERATED ALWAYS AS (COALESCE(${field('case,taskName')}, ${field('window,windowName')} || '服务评价')) STORED;

  CREATE OR REPLACE FUNCTION dashboard_count_followup(rating_id TEXT, sign INTEGER, closed BOOLEAN, closed_late BOOLEAN) RETURNS void LANGUAGE plpgsql AS $$
  DECLARE
    o RECORD;
    f_closed INTEGER := sign * closed::INTEGER;
    f_late INTEGER := sign * closed_late::INTEGER;
  BEGIN
    FOR o IN
      SELECT x.hall_code, x.rated_at, d.dim, d.key, d.label
        FROM (SELECT * FROM (${RATINGS}) AS r WHERE r.id = rating_id) AS x, ${DIMENSIONS}
       WHERE d.key IS NOT NULL
    LOOP
      INSERT INTO dashboard_daily (hall_code, dim, day, key, label, f_opened, f_closed, f_closed_late)
      VALUES (o.hall_code, o.dim, substr(o.rated_at, 1, 10), o.key, COALESCE(o.label, ''), sign, f_closed, f_late)
      ON CONFLICT (hall_code, dim, day, key) DO UPDATE SET
        f_opened = dashboard_daily.f_opened + excluded.f_opened, f_closed = dashboard_daily.f_closed + excluded.f_closed,
        f_closed_late = dashboard_daily.f_closed_late + excluded.f_closed_late;
      INSERT INTO dashboard_monthly (hall_code, dim, month, key, label, f_opened, f_closed, f_closed_late)
      VALUES (o.hall_code, o.dim, substr(o.rated_at, 1, 7), o.key, COALESCE(o.label, ''), sign, f_closed, f_late)
      ON CONFLICT (hall_code, dim, month, key) DO UPDATE SET
        f_opened = dashboard_monthly.f_opened + excluded.f_opened, f_closed = dashboard_monthly.f_closed + excluded.f_closed,
        f_closed_late = dashboard_monthly.f_closed_late + excluded.f_closed_late;
    END LOOP;
  END $$;

  UPDATE dashboard_daily SET f_opened = 0, f_closed = 0, f_closed_late = 0 WHERE f_opened <> 0 OR f_closed <> 0 OR f_closed_late <> 0;
  UPDATE dashboard_monthly SET f_opened = 0, f_closed = 0, f_closed_late = 0 WHERE f_opened <> 0 OR f_closed <> 0 OR f_closed_late <> 0;
  CREATE TEMP TABLE followup_counts_006 ON COMMIT DROP AS
    SELECT x.hall_code, x.rated_at, d.dim, d.key, d.label, f.closed_at IS NOT NULL AS closed, f.closed_at IS NOT NULL AND f.closed_at > f.due_at AS late
      FROM followups f JOIN (${RATINGS}) AS x ON x.id = f.outcome_id, ${DIMENSIONS}
     WHERE d.key IS NOT NULL;
  INSERT INTO dashboard_daily AS t (hall_code, dim, day, key, label, f_opened, f_closed, f_closed_late)
    SELECT hall_code, dim, substr(rated_at, 1, 10), key, COALESCE(max(label), ''), count(*), count(*) FILTER (WHERE closed), count(*) FILTER (WHERE late)
      FROM followup_counts_006 GROUP BY 1, 2, 3, 4
    ON CONFLICT (hall_code, dim, day, key) DO UPDATE SET f_opened = excluded.f_opened, f_closed = excluded.f_closed, f_closed_late = excluded.f_closed_late;
  INSERT INTO dashboard_monthly AS t (hall_code, dim, month, key, label, f_opened, f_closed, f_closed_late)
    SELECT hall_code, dim, substr(rated_at, 1, 7), key, COALESCE(max(label), ''), count(*), count(*) FILTER (WHERE closed), count(*) FILTER (WHERE late)
      FROM followup_counts_006 GROUP BY 1, 2, 3, 4
    ON CONFLICT (hall_code, dim, month, key) DO UPDATE SET f_opened = excluded.f_opened, f_closed = excluded.f_closed, f_closed_late = excluded.f_closed_late;
`;
