import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../scripts/pgTestDatabase';
import { FIGURES_COUNTING_PHONE, FIGURES_WITHOUT_PHONE, followupFigures, followupsBeforePhoneCounting } from '../../../testing/phoneFollowupsFixture';
import { pgDashboard } from '../dashboard';
import { pgFollowups } from '../followups';
import { pgOutcomes } from '../outcomes';
import { pgPhone } from '../phone';
import { INTAKE_TYPES, poolSql } from '../pgSql';
import type { CountIncrement } from '../../store';
import { migrate } from './index';

const COUNTED = ['total', 'l1', 'l2', 'l3', 'l4', 'l5', 'unrated', 'declined', 'f_opened'];

let database: { url: string; drop(): Promise<void> };
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('PostgreSQL migration 6: a phone 差评’s follow-up counts in the follow-up figures', () => {
  it('recounts the figures of a database holding phone 差评 follow-ups from step 5, and its trigger counts the next closing', async () => {
    const pool = new pg.Pool({ connectionString: database.url, types: INTAKE_TYPES });
    try {
      const sql = poolSql(pool);
      await migrate(sql, 5);
      // Counts written as step 5 wrote them: one row per key, before step 8 spread keys over shards.
      const addCounts = async (increments: CountIncrement[]) => {
        for (const i of increments) {
          const [table, column] = i.period === 'day' ? ['dashboard_daily', 'day'] : ['dashboard_monthly', 'month'];
          await sql.run(
            `INSERT INTO ${table} AS t (hall_code, dim, ${column}, key, label, total, l1, l2, l3, l4, l5, unrated, declined, f_opened) VALUES ($1, $2, $3, $4, $5, ${i.counts.map((_, n) => `$${n + 6}`).join(', ')})
             ON CONFLICT (hall_code, dim, ${column}, key) DO UPDATE SET ${COUNTED.map((c) => `${c} = t.${c} + excluded.${c}`).join(', ')}`,
            [i.hallCode, i.dim, i.at, i.key, i.label, ...i.counts],
          );
        }
      };
      const data = { outcomes: pgOutcomes(sql), phone: pgPhone(sql), followups: pgFollowups(sql), dashboard: { ...pgDashboard(sql), addCounts } };
      const { phoneWindow } = await followupsBeforePhoneCounting(data);
      const countsOf = () => sql.rows('SELECT hall_code, dim, day, key, label, total, l1, l2, l3, l4, l5, unrated, declined FROM dashboard_daily ORDER BY dim, key');
      const countsBefore = await countsOf();
      expect(await followupFigures(data.dashboard, 'day')).toEqual(FIGURES_WITHOUT_PHONE);

      await migrate(sql);

      expect(await followupFigures(data.dashboard, 'day')).toEqual(FIGURES_COUNTING_PHONE);
      expect(await followupFigures(data.dashboard, 'month')).toEqual(FIGURES_COUNTING_PHONE);
      expect(await countsOf()).toEqual(countsBefore);
      expect(await sql.rows("SELECT label FROM dashboard_daily WHERE dim = 'item' AND key = 'WINDOW-SERVICE'")).toEqual([{ label: '二号窗口服务评价' }]);

      await data.followups.close(phoneWindow.id, Date.UTC(2026, 10, 20, 2, 0, 0) + 100, 'fixed');
      const after = await followupFigures(data.dashboard, 'day');
      expect([after.window?.W2, after.item?.['WINDOW-SERVICE'], after.hall?.h1]).toEqual([
        [1, 1, 0],
        [1, 1, 0],
        [3, 3, 1],
      ]);
    } finally {
      await pool.end();
    }
  });
});
