import type { PgSql } from './pgSql';

const COUNTS = ['total', 'l1', 'l2', 'l3', 'l4', 'l5', 'unrated', 'declined', 'f_opened', 'f_closed', 'f_closed_late'];

/** One statement per table: the shards of every key of a period before `before` summed into its shard 0, atomically. */
const foldSql = (table: string, period: string) => `
  WITH moved AS (
    DELETE FROM ${table} WHERE shard <> 0 AND ${period} < $1
    RETURNING hall_code, dim, ${period}, key, label, ${COUNTS.join(', ')})
  INSERT INTO ${table} AS t (hall_code, dim, ${period}, key, shard, label, ${COUNTS.join(', ')})
  SELECT hall_code, dim, ${period}, key, 0, MAX(label), ${COUNTS.map((c) => `SUM(${c})`).join(', ')}
    FROM moved GROUP BY hall_code, dim, ${period}, key
  ON CONFLICT (hall_code, dim, ${period}, key, shard) DO UPDATE SET ${COUNTS.map((c) => `${c} = t.${c} + excluded.${c}`).join(', ')}`;

/** How far back from now a day is surely over in every hall's zone, and written to rarely (a late upload, a follow-up closing). */
const SETTLED_MS = 2 * 24 * 3600_000;

/**
 * Folds the count shards (migration 008) of days and months that are over back into one row per
 * key: writers spread a key over up to 17 rows only while its period is being written to, and a
 * dashboard read over a year sums one row per key and day, not seventeen. Counts are only moved
 * from shard to shard within a key, in one statement per table, so a reader sums the same before
 * and after. Several nodes may fold at once: a row one deletes, the other no longer finds.
 * Returns how many keys' periods it folded.
 */
export async function foldCountShards(sql: PgSql, now: number): Promise<{ days: number; months: number }> {
  const settled = new Date(now - SETTLED_MS).toISOString();
  const days = await sql.run(foldSql('dashboard_daily', 'day'), [settled.slice(0, 10)]);
  const months = await sql.run(foldSql('dashboard_monthly', 'month'), [settled.slice(0, 7)]);
  return { days, months };
}
