import { describe, expect, it } from 'vitest';
import { emptyDatabase, postgresStoreForFile } from '../../../scripts/pgTestDatabase';
import { foldCountShards } from './countShardFold';
import { TURN_SHARD } from './migrations/010-ticket-turn-count-shard';
import { FOLD_SHARD } from './migrations/011-count-shard-fold';
import { poolSql } from './pgSql';

const postgres = postgresStoreForFile();

/** 1 Dec 2026, noon UTC: days before 29 Nov and months before November are over. */
const NOW = Date.UTC(2026, 11, 1, 12);

async function countRow(table: 'dashboard_daily' | 'dashboard_monthly', period: string, key: string, shard: number, label: string, total: number, closed = 0) {
  const column = table === 'dashboard_daily' ? 'day' : 'month';
  await postgres.store.pool.query(`INSERT INTO ${table} (hall_code, dim, ${column}, key, shard, label, total, l1, f_closed) VALUES ('h1', 'window', $1, $2, $3, $4, $5, $5, $6)`, [period, key, shard, label, total, closed]);
}

async function seed() {
  await emptyDatabase(postgres.url);
  // A key written by three transactions on 20 Nov, one written only off shard 0, and today's.
  await countRow('dashboard_daily', '2026-11-20', 'W1', 0, '一号窗口', 2);
  await countRow('dashboard_daily', '2026-11-20', 'W1', 3, '一号窗口', 5, 1);
  await countRow('dashboard_daily', '2026-11-20', 'W1', 16, '一号窗口', 1);
  await countRow('dashboard_daily', '2026-11-20', 'W2', 5, '二号窗口', 4);
  await countRow('dashboard_daily', '2026-11-29', 'W1', 6, '一号窗口', 1);
  await countRow('dashboard_daily', '2026-12-01', 'W1', 4, '一号窗口', 7);
  await countRow('dashboard_daily', '2026-12-01', 'W1', 9, '一号窗口', 1);
  await countRow('dashboard_monthly', '2026-10', 'W1', 0, '一号窗口', 3);
  await countRow('dashboard_monthly', '2026-10', 'W1', 7, '一号窗口', 2);
  await countRow('dashboard_monthly', '2026-11', 'W1', 2, '一号窗口', 8);
}

const read = () =>
  Promise.all([
    postgres.store.dashboard.counts({ hall: 'h1', by: 'window', from: '2026-11-01', to: '2026-12-01', bucket: 'day' }),
    postgres.store.dashboard.counts({ hall: 'h1', by: 'window', from: '2026-10-01', to: '2026-11-30', bucket: 'month' }),
  ]);
const rows = async () =>
  (await postgres.store.pool.query<{ at: string; key: string; shard: number }>("SELECT day AS at, key, shard FROM dashboard_daily UNION ALL SELECT month, key, shard FROM dashboard_monthly ORDER BY 1, 2, 3")).rows;

describe('folding the dashboard count shards of periods that are over', () => {
  it('leaves one row per key of a past day or month, on shard 0, and the sums a reader sees unchanged; today and this month stay spread', async () => {
    await seed();
    const before = await read();
    expect(await foldCountShards(poolSql(postgres.store.pool), NOW)).toEqual({ days: 2, months: 1 });
    expect(await read()).toEqual(before);
    // The writers' shards of a past period on the fold's own; the ticket turn's shard is left to its holder.
    expect(await rows()).toEqual([
      { at: '2026-10', key: 'W1', shard: FOLD_SHARD },
      { at: '2026-11', key: 'W1', shard: 2 },
      { at: '2026-11-20', key: 'W1', shard: TURN_SHARD },
      { at: '2026-11-20', key: 'W1', shard: FOLD_SHARD },
      { at: '2026-11-20', key: 'W2', shard: FOLD_SHARD },
      { at: '2026-11-29', key: 'W1', shard: 6 },
      { at: '2026-12-01', key: 'W1', shard: 4 },
      { at: '2026-12-01', key: 'W1', shard: 9 },
    ]);
    const [days] = before;
    expect(days.find((r) => r.period === '2026-11-20' && r.key === 'W1')).toMatchObject({ total: 8, l1: 8, closed: 1, label: '一号窗口' });
    expect(await foldCountShards(poolSql(postgres.store.pool), NOW)).toEqual({ days: 0, months: 0 });
  });

  it('counts nothing twice when two nodes fold at once', async () => {
    await seed();
    const before = await read();
    const [a, b] = await Promise.all([foldCountShards(poolSql(postgres.store.pool), NOW), foldCountShards(poolSql(postgres.store.pool), NOW)]);
    expect(a.days + b.days).toBeGreaterThanOrEqual(2);
    expect(await read()).toEqual(before);
    expect((await rows()).filter((r) => r.at < '2026-11-29' && r.at !== '2026-11')).toEqual([
      { at: '2026-10', key: 'W1', shard: FOLD_SHARD },
      { at: '2026-11-20', key: 'W1', shard: TURN_SHARD },
      { at: '2026-11-20', key: 'W1', shard: FOLD_SHARD },
      { at: '2026-11-20', key: 'W2', shard: FOLD_SHARD },
    ]);
  });

  it('waits for no writer: a row a transaction holds is left for the next fold, and the fold keeps the greatest label as readers do', async () => {
    await seed();
    await countRow('dashboard_daily', '2026-11-20', 'W1', 8, '一号窗口（新）', 1);
    const before = await read();
    const writer = await postgres.store.pool.connect();
    try {
      // A late upload counting on 20 Nov, not yet committed: it holds shard 3's row of W1.
      await writer.query('BEGIN');
      await writer.query("UPDATE dashboard_daily SET total = total + 1, l1 = l1 + 1 WHERE day = '2026-11-20' AND key = 'W1' AND shard = 3");
      expect(await foldCountShards(poolSql(postgres.store.pool), NOW)).toEqual({ days: 2, months: 1 });
      expect((await rows()).filter((r) => r.at === '2026-11-20' && r.key === 'W1')).toEqual([
        { at: '2026-11-20', key: 'W1', shard: 3 },
        { at: '2026-11-20', key: 'W1', shard: TURN_SHARD },
        { at: '2026-11-20', key: 'W1', shard: FOLD_SHARD },
      ]);
      expect(await read()).toEqual(before);
      await writer.query('COMMIT');
    } finally {
      writer.release();
    }
    expect(await foldCountShards(poolSql(postgres.store.pool), NOW)).toEqual({ days: 1, months: 0 });
    const [days] = await read();
    expect(days.find((r) => r.period === '2026-11-20' && r.key === 'W1')).toMatchObject({ total: 10, l1: 10, label: '一号窗口（新）' });
  });
});
