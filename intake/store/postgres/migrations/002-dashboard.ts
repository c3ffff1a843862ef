const countTable = (table: string, period: string) => `
  CREATE TABLE ${table} (
    hall_code     TEXT COLLATE "C" NOT NULL,
    dim           TEXT COLLATE "C" NOT NULL CHECK (dim IN ('hall', 'dept', 'window', 'staff', 'item')),
    ${period.padEnd(13)} TEXT NOT NULL,
    key           TEXT COLLATE "C" NOT NULL,
    label         TEXT COLLATE "C" NOT NULL,
    total         INTEGER NOT NULL DEFAULT 0,
    l1            INTEGER NOT NULL DEFAULT 0,
    l2            INTEGER NOT NULL DEFAULT 0,
    l3            INTEGER NOT NULL DEFAULT 0,
    l4            INTEGER NOT NULL DEFAULT 0,
    l5            INTEGER NOT NULL DEFAULT 0,
    unrated       INTEGER NOT NULL DEFAULT 0,
    declined      INTEGER NOT NULL DEFAULT 0,
    f_opened      INTEGER NOT NULL DEFAULT 0,
    f_closed      INTEGER NOT NULL DEFAULT 0,
    f_closed_late INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (hall_code, dim, ${period}, key)
  );`;

/**
 * The dashboard's pre-aggregates as on SQLite (store/sqlite/dashboardSql.ts): daily and monthly
 * counts per hall, dimension and key, hot words, public comments; a follow-up counts on its 差评's
 * day through one trigger function (SQLite spells out a statement per table and dimension).
 * Released: never edited; a change is a new step.
 */
export const step002 = `
  ${countTable('dashboard_daily', 'day')}
  ${countTable('dashboard_monthly', 'month')}
  CREATE TABLE dashboard_words (
    hall_code TEXT COLLATE "C" NOT NULL,
    polarity  TEXT COLLATE "C" NOT NULL CHECK (polarity IN ('good', 'bad')),
    day       TEXT COLLATE "C" NOT NULL,
    word      TEXT COLLATE "C" NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (hall_code, polarity, day, word)
  );
  CREATE TABLE dashboard_comments (
    outcome_id TEXT COLLATE "C" PRIMARY KEY,
    hall_code  TEXT COLLATE "C" NOT NULL,
    rated_at   TEXT COLLATE "C" NOT NULL,
    polarity   TEXT COLLATE "C" NOT NULL CHECK (polarity IN ('good', 'bad')),
    comment    TEXT COLLATE "C" NOT NULL
  );
  CREATE INDEX dashboard_comments_recent ON dashboard_comments (hall_code, rated_at);

  -- Adds a follow-up's figures (times sign) to every dimension of its 差评's day and month.
  CREATE FUNCTION dashboard_count_followup(rating_id TEXT, sign INTEGER, closed BOOLEAN, closed_late BOOLEAN) RETURNS void LANGUAGE plpgsql AS $$
  DECLARE
    o RECORD;
    f_closed INTEGER := sign * closed::INTEGER;
    f_late INTEGER := sign * closed_late::INTEGER;
  BEGIN
    FOR o IN
      SELECT x.hall_code, x.rated_at, d.dim, d.key, d.label
        FROM outcomes x, intake_json(x.body) AS j,
             LATERAL (VALUES ('hall', x.hall_code, x.hall_code),
                             ('dept', x.dept_name, x.dept_name),
                             ('window', x.window_no, j #>> '{window,windowName}'),
                             ('staff', x.staff_login, j #>> '{staff,name}'),
                             ('item', x.task_code, j #>> '{case,taskName}')) AS d (dim, key, label)
       WHERE x.id = rating_id
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

  CREATE FUNCTION dashboard_followup_changed() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      PERFORM dashboard_count_followup(OLD.outcome_id, -1, OLD.closed_at IS NOT NULL, OLD.closed_at IS NOT NULL AND OLD.closed_at > OLD.due_at);
    END IF;
    IF TG_OP = 'UPDATE' OR (TG_OP = 'INSERT' AND NOT NEW.counted_on_ingest) THEN
      PERFORM dashboard_count_followup(NEW.outcome_id, 1, NEW.closed_at IS NOT NULL, NEW.closed_at IS NOT NULL AND NEW.closed_at > NEW.due_at);
    END IF;
    RETURN NULL;
  END $$;
  CREATE TRIGGER dashboard_followup_insert AFTER INSERT ON followups FOR EACH ROW EXECUTE FUNCTION dashboard_followup_changed();
  CREATE TRIGGER dashboard_followup_update AFTER UPDATE OF closed_at, due_at ON followups FOR EACH ROW EXECUTE FUNCTION dashboard_followup_changed();
  CREATE TRIGGER dashboard_followup_delete AFTER DELETE ON followups FOR EACH ROW EXECUTE FUNCTION dashboard_followup_changed();
`;
