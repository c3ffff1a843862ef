import type { ThrottleStore } from '../store';
import { relaxedDurability } from './relaxedDurability';
import type { SqliteDb } from './sqliteDb';

/** One more failure for the key; failures older than `@forget` are forgotten: counting starts again. */
const COUNT_FAILURE = `INSERT INTO login_failures (key, failures, last_at) VALUES (@key, 1, @at)
  ON CONFLICT (key) DO UPDATE SET failures = CASE WHEN last_at < @forget THEN 1 ELSE failures + 1 END, last_at = @at`;

export function sqliteThrottles(db: SqliteDb): ThrottleStore {
  const failuresOf = db.prepare<[string], { failures: number; locked_until: number; last_at: number }>('SELECT failures, locked_until, last_at FROM login_failures WHERE key = ?');
  const addFailure = db.prepare<{ key: string; at: number; forget: number }, { failures: number }>(`${COUNT_FAILURE} RETURNING failures`);
  const reserveAttempt = db.prepare<{ key: string; at: number; forget: number; waits: string }, { failures: number }>(
    `${COUNT_FAILURE}
     WHERE locked_until <= @at AND (last_at < @forget OR @at - last_at >= json_extract(@waits, '$[' || min(failures, json_array_length(@waits) - 1) || ']'))
     RETURNING failures`,
  );
  const lock = db.prepare('UPDATE login_failures SET locked_until = MAX(locked_until, ?) WHERE key = ?');
  const clear = db.prepare('DELETE FROM login_failures WHERE key = ?');
  const pruneFailures = db.prepare('DELETE FROM login_failures WHERE last_at < ? AND locked_until < ?');
  const hit = db.prepare<{ key: string; at: number; window: number }, { count: number; reset_at: number }>(
    `INSERT INTO rate_limits (key, count, reset_at) VALUES (@key, 1, @at + @window)
     ON CONFLICT (key) DO UPDATE SET count = CASE WHEN reset_at <= @at THEN 1 ELSE count + 1 END,
                                     reset_at = CASE WHEN reset_at <= @at THEN @at + @window ELSE reset_at END
     RETURNING count, reset_at`,
  );
  const pruneHits = db.prepare('DELETE FROM rate_limits WHERE reset_at <= ?');
  let prunedAt = 0;
  /** Old rows go now and then, not on every write. */
  const prune = (at: number, forgetBefore: number) => {
    if (at - prunedAt < 60_000) return;
    prunedAt = at;
    pruneFailures.run(forgetBefore, at);
    pruneHits.run(at);
  };
  return {
    async failuresOf(key) {
      const row = failuresOf.get(key);
      return row && { failures: row.failures, lockedUntil: row.locked_until, lastAt: row.last_at };
    },
    async addFailure(key, at, forgetBefore) {
      return relaxedDurability(db, () => {
        prune(at, forgetBefore);
        return (addFailure.get({ key, at, forget: forgetBefore }) as { failures: number }).failures;
      });
    },
    async reserveAttempt(key, at, forgetBefore, waits) {
      return relaxedDurability(db, () => {
        prune(at, forgetBefore);
        return reserveAttempt.get({ key, at, forget: forgetBefore, waits: JSON.stringify(waits) })?.failures ?? null;
      });
    },
    async lock(key, until) {
      relaxedDurability(db, () => lock.run(until, key));
    },
    async clearFailures(key) {
      relaxedDurability(db, () => clear.run(key));
    },
    async hit(key, at, windowMs) {
      const row = relaxedDurability(db, () => hit.get({ key, at, window: windowMs }) as { count: number; reset_at: number });
      return { count: row.count, resetAt: row.reset_at };
    },
  };
}
