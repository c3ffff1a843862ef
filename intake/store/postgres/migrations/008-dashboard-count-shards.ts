import { DIMENSIONS, RATINGS } from './006-phone-followups-counted';

/** How many rows one count key is spread over: more than the connections that write at once, give or take. */
export const COUNT_SHARDS = 16;

const shardedKey = (table: string, period: string) => `
  ALTER TABLE ${table} ADD COLUMN shard SMALLINT NOT NULL DEFAULT 0;
  ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey, ADD PRIMARY KEY (hall_code, dim, ${period}, key, shard);`;

/**
 * Dashboard counts spread over shards (issue 25). Every batch of a hall adds to the same hall,
 * department and day rows, and a row's lock is held to the commit (its WAL flush included), so
 * on one key concurrent batches took turns: the bench's sampled backends waited on one another's
 * transaction ids more than they did anything else. Ingest now adds each batch to the next of
 * COUNT_SHARDS rows of a key (store/postgres/dashboard.ts), the follow-up trigger's function to its
 * connection's (the backend's pid modulo COUNT_SHARDS), and readers sum the shards, as they already
 * sum days into weeks.
 * Released: never edited; a change is a new step.
 */
export const step008 = `
  ${shardedKey('dashboard_daily', 'day')}
  ${shardedKey('dashboard_monthly', 'month')}
  CREATE FUNCTION dashboard_count_shard() RETURNS SMALLINT LANGUAGE sql STABLE AS $$ SELECT (pg_backend_pid() % ${COUNT_SHARDS})::SMALLINT $$;

  CREATE OR REPLACE FUNCTION dashboard_count_followup(rating_id TEXT, sign INTEGER, closed BOOLEAN, closed_late BOOLEAN) RETURNS void LANGUAGE plpgsql AS $$
  DECLARE
    o RECORD;
    f_closed INTEGER := sign * closed::INTEGER;
    f_late INTEGER := sign * closed_late::INTEGER;
    s SMALLINT := dashboard_count_shard();
  BEGIN
    FOR o IN
      SELECT x.hall_code, x.rated_at, d.dim, d.key, d.label
        FROM (SELECT * FROM (${RATINGS}) AS r WHERE r.id = rating_id) AS x, ${DIMENSIONS}
       WHERE d.key IS NOT NULL
    LOOP
      INSERT INTO dashboard_daily (hall_code, dim, day, key, shard, label, f_opened, f_closed, f_closed_late)
      VALUES (o.hall_code, o.dim, substr(o.rated_at, 1, 10), o.key, s, COALESCE(o.label, ''), sign, f_closed, f_late)
      ON CONFLICT (hall_code, dim, day, key, shard) DO UPDATE SET
        f_opened = dashboard_daily.f_opened + excluded.f_opened, f_closed = dashboard_daily.f_closed + excluded.f_closed,
        f_closed_late = dashboard_daily.f_closed_late + excluded.f_closed_late;
      INSERT INTO dashboard_monthly (hall_code, dim, month, key, shard, label, f_opened, f_closed, f_closed_late)
      VALUES (o.hall_code, o.dim, substr(o.rated_at, 1, 7), o.key, s, COALESCE(o.label, ''), sign, f_closed, f_late)
      ON CONFLICT (hall_code, dim, month, key, shard) DO UPDATE SET
        f_opened = dashboard_monthly.f_opened + excluded.f_opened, f_closed = dashboard_monthly.f_closed + excluded.f_closed,
        f_closed_late = dashboard_monthly.f_closed_late + excluded.f_closed_late;
    END LOOP;
  END $$;
`;
