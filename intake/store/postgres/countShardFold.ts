import { TURN_SHARD } from './migrations/010-ticket-turn-count-shard';
import { FOLD_SHARD } from './migrations/011-count-shard-fold';
import type { PgSql } from './pgSql';

const COUNTS = ['total', 'l1', 'l2', 'l3', 'l4', 'l5', 'unrated', 'declined', 'f_opened', 'f_closed', 'f_closed_late'];

/**
 * One statement per table: the writers' shards of every key of a period before `before` summed
 * into the fold's own shard. Rows a writer holds are skipped (the next fold takes them), and the
 * fold's shard is written by folds only, in key order: a fold waits for nobody but another fold,
 * so it never deadlocks with ingest and never holds up the ticket log turn's holder, whose shard
 * it leaves alone. The label kept is the greatest, as readers take it across shards.
 */
const foldSql = (table: string, period: string) => `
  WITH picked AS (
    SELECT hall_code, dim, ${period}, key, shard FROM ${table}
     WHERE shard < ${TURN_SHARD} AND ${period} < $1
       FOR UPDATE SKIP LOCKED),
  moved AS (
    DELETE FROM ${table} t USING picked p
     WHERE t.hall_code = p.hall_code AND t.dim = p.dim AND t.${period} = p.${period} AND t.key = p.key AND t.shard = p.shard
    RETURNING t.hall_code, t.dim, t.${period}, t.key, t.label, ${COUNTS.map((c) => `t.${c}`).join(', ')})
  INSERT INTO ${table} AS t (hall_code, dim, ${period}, key, shard, label, ${COUNTS.join(', ')})
  SELECT hall_code, dim, ${period}, key, ${FOLD_SHARD}, MAX(label), ${COUNTS.map((c) => `SUM(${c})`).join(', ')}
    FROM moved GROUP BY hall_code, dim, ${period}, key ORDER BY hall_code, dim, ${period}, key
  ON CONFLICT (hall_code, dim, ${period}, key, shard) DO UPDATE SET label = GREATEST(t.label, excluded.label), ${COUNTS.map((c) => `${c} = t.${c} + excluded.${c}`).join(', ')}`;

/** How far back from now a day is surely over in every hall's zone, and written to rarely (a late upload, a follow-up closing). */
const SETTLED_MS = 2 * 24 * 3600_000;

/**
 * Folds the count shards (migration 008) of days and months that are over into one row per key:
 * writers spread a key over up to 16 rows (and the ticket turn's) only while its period is being
 * written to, and a dashboard read over a year then sums about one row per key and day, not
 * seventeen. Counts only move between rows of a key, in one statement per table, so a reader
 * sums the same before and after. Several nodes may fold at once: a row one takes, the other skips.
 * Returns how many keys' periods it folded.
 */
export async function foldCountShards(sql: PgSql, now: number): Promise<{ days: number; months: number }> {
  const settled = new Date(now - SETTLED_MS).toISOString();
  const days = await sql.run(foldSql('dashboard_daily', 'day'), [settled.slice(0, 10)]);
  const months = await sql.run(foldSql('dashboard_monthly', 'month'), [settled.slice(0, 7)]);
  return { days, months };
}
