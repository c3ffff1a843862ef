import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../scripts/pgTestDatabase';
import { migrate } from './migrations';
import { ensureOutcomePartitions, monthRange } from './outcomePartitions';
import { INTAKE_TYPES, poolSql } from './pgSql';

let database: { url: string; drop(): Promise<void> };
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('outcome partitions', () => {
  it('makes a month that outcomes are landing in the default partition for, while they keep landing: each row in its month once, none refused', async () => {
    const pool = new pg.Pool({ connectionString: database.url, types: INTAKE_TYPES, max: 4 });
    try {
      const sql = poolSql(pool);
      await migrate(sql);
      const month = monthRange(Date.UTC(2031, 0, 15), 0);
      let n = 0;
      let stop = false;
      const insert = () =>
        sql.run(
          `INSERT INTO outcomes (id, device_id, seq, body_hash, body, received_at, outcome, rated_at, hall_code, window_no, staff_login, dept_name, task_code)
           VALUES ($1, 'dev-1', $2, 'h', '{}', $3, 'rated', '2031-01-15T10:00:00+08:00', 'h1', 'W1', 's', 'd', 't')`,
          [`o-${++n}`, n, month.from + n],
        );
      // Two writers into a month with no partition yet, all through the making of it.
      const writers = [0, 1].map(async () => {
        while (!stop) await insert();
      });
      let made: string[];
      try {
        await new Promise((resolve) => setTimeout(resolve, 100));
        made = await ensureOutcomePartitions(sql, month.from, 0, 0);
        await new Promise((resolve) => setTimeout(resolve, 100));
      } finally {
        stop = true;
        await Promise.all(writers);
      }
      expect(made).toEqual([month.name]);
      const counts = await sql.row<{ all: number; month: number; fallback: number }>(
        `SELECT (SELECT count(*) FROM outcomes) AS all, (SELECT count(*) FROM ${month.name}) AS month, (SELECT count(*) FROM outcomes_default) AS fallback`,
      );
      expect(counts).toEqual({ all: n, month: n, fallback: 0 });
    } finally {
      await pool.end();
    }
  });
});
