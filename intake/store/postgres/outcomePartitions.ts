import type { PgSql } from './pgSql';

/** The UTC month [start, end) in milliseconds, `offset` months from the one holding `at`. */
export function monthRange(at: number, offset: number): { name: string; from: number; to: number } {
  const d = new Date(at);
  const from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1);
  const start = new Date(from);
  const to = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1);
  const name = `outcomes_${start.getUTCFullYear()}_${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
  return { name, from, to };
}

/** Any fixed number: nodes creating partitions take turns. */
const PARTITION_LOCK = 0x1ae7a6f;

/**
 * Makes sure outcomes has a partition for each month from `monthsBack` before the month of `at`
 * to `monthsAhead` after it. Outcomes stored meanwhile in the default partition for such a month
 * (a clock far off, or a node down over a month's turn) move into the new partition with it, so
 * attaching it never fails; ingest waits for the few milliseconds that takes. Months are UTC
 * months of arrival: a rating received 00:30 on the 1st, Beijing time, is in the month before.
 * Returns the partitions created.
 */
export async function ensureOutcomePartitions(sql: PgSql, at: number, monthsBack: number, monthsAhead: number): Promise<string[]> {
  const created: string[] = [];
  for (let offset = -monthsBack; offset <= monthsAhead; offset++) {
    const month = monthRange(at, offset);
    const made = await sql.atomic(async (tx) => {
      await tx.run('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
      const exists = await tx.row<{ name: string | null }>('SELECT to_regclass($1)::text AS name', [month.name]);
      if (exists?.name) return false;
      // Writers wait to the commit: one routed to the default partition between the move and the
      // attach would leave a row there that the new bounds forbid, and the attach would fail.
      await tx.run('LOCK TABLE outcomes IN SHARE ROW EXCLUSIVE MODE');
      await tx.run(`CREATE TABLE ${month.name} (LIKE outcomes INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
      await tx.run(
        `WITH moved AS (DELETE FROM outcomes_default WHERE received_at >= $1 AND received_at < $2 RETURNING *)
         INSERT INTO ${month.name} SELECT * FROM moved`,
        [month.from, month.to],
      );
      await tx.run(`ALTER TABLE outcomes ATTACH PARTITION ${month.name} FOR VALUES FROM (${month.from}) TO (${month.to})`);
      return true;
    });
    if (made) created.push(month.name);
  }
  return created;
}
