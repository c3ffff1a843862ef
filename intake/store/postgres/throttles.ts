import type { ThrottleStore } from '../store';
import type { PgSql } from './pgSql';

/** One more failure for the key; failures older than `$3` are forgotten: counting starts again. */
const COUNT_FAILURE = `INSERT INTO login_failures AS f (key, failures, last_at) VALUES ($1, 1, $2)
  ON CONFLICT (key) DO UPDATE SET failures = CASE WHEN f.last_at < $3 THEN 1 ELSE f.failures + 1 END, last_at = $2`;

export function pgThrottles(sql: PgSql): ThrottleStore {
  let prunedAt = 0;
  /** Old rows go now and then, not on every write. */
  const prune = async (at: number, forgetBefore: number) => {
    if (at - prunedAt < 60_000) return;
    prunedAt = at;
    await sql.run('DELETE FROM login_failures WHERE last_at < $1 AND locked_until < $2', [forgetBefore, at]);
    await sql.run('DELETE FROM rate_limits WHERE reset_at <= $1', [at]);
  };
  return {
    async failuresOf(key) {
      const row = await sql.row<{ failures: number; locked_until: number; last_at: number }>('SELECT failures, locked_until, last_at FROM login_failures WHERE key = $1', [key]);
      return row && { failures: row.failures, lockedUntil: row.locked_until, lastAt: row.last_at };
    },
    async addFailure(key, at, forgetBefore) {
      await prune(at, forgetBefore);
      const row = await sql.row<{ failures: number }>(`${COUNT_FAILURE} RETURNING failures`, [key, at, forgetBefore]);
      return (row as { failures: number }).failures;
    },
    async reserveAttempt(key, at, forgetBefore, waits) {
      await prune(at, forgetBefore);
      const row = await sql.row<{ failures: number }>(
        `${COUNT_FAILURE}
         WHERE f.locked_until <= $2 AND (f.last_at < $3 OR $2 - f.last_at >= ($4::BIGINT[])[LEAST(f.failures, cardinality($4::BIGINT[]) - 1) + 1])
         RETURNING failures`,
        [key, at, forgetBefore, waits],
      );
      return row?.failures ?? null;
    },
    async lock(key, until) {
      await sql.run('UPDATE login_failures SET locked_until = GREATEST(locked_until, $1) WHERE key = $2', [until, key]);
    },
    async clearFailures(key) {
      await sql.run('DELETE FROM login_failures WHERE key = $1', [key]);
    },
    async hit(key, at, windowMs) {
      const row = (await sql.row<{ count: number; reset_at: number }>(
        `INSERT INTO rate_limits (key, count, reset_at) VALUES ($1, 1, $2::BIGINT + $3::BIGINT)
         ON CONFLICT (key) DO UPDATE SET count = CASE WHEN rate_limits.reset_at <= $2 THEN 1 ELSE rate_limits.count + 1 END,
                                         reset_at = CASE WHEN rate_limits.reset_at <= $2 THEN $2::BIGINT + $3::BIGINT ELSE rate_limits.reset_at END
         RETURNING count, reset_at`,
        [key, at, windowMs],
      )) as { count: number; reset_at: number };
      return { count: row.count, resetAt: row.reset_at };
    },
  };
}
