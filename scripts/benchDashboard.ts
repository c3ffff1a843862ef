import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { v7 as uuidv7 } from 'uuid';
import { DashboardQuerySchema, type DashboardQuery } from '../contract/dashboard';
import type { Outcome } from '../contract/outcome';
import type { Level } from '../contract/ratingCodes';
import { createDashboardQueries } from '../intake/dashboard/aggregateQueries';
import { aggregatesToCsv } from '../intake/dashboard/csvExport';
import { backfillDashboard } from '../intake/store/sqlite/dashboardSql';
import type { SqliteDb as IntakeDb } from '../intake/store/sqlite/sqliteDb';
import { openSqliteStore } from '../intake/store/sqlite/sqliteStore';
import type { DashboardStore } from '../intake/store/store';
import { ensureOutcomePartitions } from '../intake/store/postgres/outcomePartitions';
import { openPostgresStore } from '../intake/store/postgres/postgresStore';
import { poolSql } from '../intake/store/postgres/pgSql';
import { COUNT_SHARDS } from '../intake/store/postgres/migrations/008-dashboard-count-shards';
import { startPgCluster } from './pgCluster';
import { copyDashboardTables } from './sqliteToPostgres';
import { seededRandom } from './seededRandom';
import { formatMs, percentile, printTable } from './stats';

/**
 * Dashboard benchmark: `count` outcomes of one busy hall over the year 2026 are written straight
 * into an intake SQLite file (rows as batchIngest stores them, 10,000 per transaction), 差评 get
 * follow-ups; then the dashboard tables are filled by the migration's backfill. Then every dashboard query is timed
 * `runs` times. Baseline in the same run and file: the same counts computed from the outcomes
 * table itself (GROUP BY over the period's rows, as without the pre-aggregation); its results
 * are also checked against the dashboard's, so the two measure the same answer.
 */

const HALL = 'bench-hall';
const DEPTS = ['市场监督管理局', '税务局', '人力资源和社会保障局', '公安局', '不动产登记中心', '住房公积金中心', '医疗保障局', '民政局', '交通运输局', '卫生健康委员会', '自然资源和规划局', '生态环境局'];
const GOOD_COMMENTS = ['服务热情，效率很高', '工作人员很耐心，讲解清楚，点赞', '一次性告知需要的材料，非常满意', '网上办理很方便，不用跑腿', '态度好，办事快', '流程简单，很快就办好了', '导办员主动帮忙，很贴心'];
const BAD_COMMENTS = ['排队时间太长了，等了两个小时', '材料清单不清楚，来回跑了三趟', '窗口人员业务不熟练，办事效率低', '服务态度差，说话很冲', '系统又坏了，等了很久', '要求反复提交材料', '电话一直打不通，请回电13800001111'];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

// The bench writes rows straight into SQLite, bypassing ingest (which verifies signatures and
// chains), so a fixed well-formed hash, signature and sealed phone stand in for real ones:
// signing a million outcomes would time Ed25519, not the dashboard.
const FAKE_HASH = 'a'.repeat(64);
const FAKE_SIGNATURE = 'A'.repeat(86);
const FAKE_SEALED_PHONE = 'B'.repeat(80);

export interface GenerateResult {
  outcomes: number;
  followups: number;
  ms: number;
  /** Of ms, writing the outcome and follow-up rows; the rest is the dashboard backfill. */
  rowsMs: number;
  fileBytes: number;
}

/** Writes `count` outcomes of HALL, spread evenly over 2026, into db. */
export function generateOutcomes(db: IntakeDb, count: number, onProgress: (done: number) => void = () => undefined): GenerateResult {
  const start = performance.now();
  const rand = seededRandom(2026);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const windows = Array.from({ length: 60 }, (_, i) => ({ windowNo: `W${pad(i + 1)}`, windowName: `${i + 1} 号窗口`, dept: DEPTS[i % DEPTS.length] as string }));
  const staffOf = (w: number) => ({ loginName: `staff${pad(w * 2 + Math.floor(rand() * 2), 3)}`, name: `工作人员${w * 2}` });
  const items = Array.from({ length: 300 }, (_, i) => ({ taskCode: `T${pad(i + 1, 4)}`, taskName: `政务服务事项 ${i + 1}` }));
  const insert = db.prepare(
    `INSERT INTO outcomes (id, device_id, seq, body_hash, body, received_at, outcome, level, rated_at, hall_code, window_no, staff_login, dept_name, task_code)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const openFollowup = db.prepare('INSERT INTO followups (outcome_id, class, opened_at, due_at, closed_at) VALUES (?, ?, ?, ?, ?)');
  const yearStart = Date.parse('2026-01-01T00:00:00+08:00');
  const spanMs = 365 * 86_400_000;
  let followups = 0;

  const writeChunk = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const w = Math.floor(rand() * windows.length);
      const window = windows[w] as (typeof windows)[number];
      const item = pick(items);
      const r = rand();
      const kind: Outcome['outcome'] = r < 0.05 ? 'unrated' : r < 0.065 ? 'declined' : 'rated';
      const l = rand();
      const level: Level | undefined = kind !== 'rated' ? undefined : l < 0.8 ? 5 : l < 0.9 ? 4 : l < 0.95 ? 3 : l < 0.98 ? 2 : 1;
      const bad = level !== undefined && level <= 2;
      const hasComment = level !== undefined && (bad ? rand() < 0.6 : rand() < 0.15);
      // Local time in +08:00: the i-th outcome of the year, opening hours only.
      const t = yearStart + Math.floor((i / count) * spanMs);
      const local = new Date(t + 8 * 3_600_000);
      const ratedAt = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(9 + (local.getUTCHours() % 9))}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.000+08:00`;
      const deviceId = `bench-pad-${window.windowNo}`;
      const outcome: Outcome = {
        id: uuidv7({ msecs: t }),
        deviceId,
        seq: i + 1,
        invitationId: uuidv7({ msecs: t }),
        outcome: kind,
        ...(level !== undefined ? { level } : {}),
        tags: bad ? ['213'] : level !== undefined ? ['517'] : [],
        ...(hasComment ? { comment: pick(bad ? BAD_COMMENTS : GOOD_COMMENTS) } : {}),
        public: rand() < 0.7,
        callback: bad && rand() < 0.3 ? { requested: true, sealedPhone: FAKE_SEALED_PHONE } : { requested: false },
        channel: 'hall-pad',
        ratedAt,
        monotonicMs: t,
        clockOffsetMs: 0,
        input: { method: kind === 'rated' ? 'touch' : 'none', inviteToPressMs: kind === 'rated' ? 900 : null },
        event: 'closed',
        case: { projectNo: `P2026${pad(i, 9)}`, taskCode: item.taskCode, taskName: item.taskName, deptName: window.dept },
        staff: staffOf(w),
        window: { hallCode: HALL, windowNo: window.windowNo, windowName: window.windowName },
        questionSetVersion: 'national-2023',
        flags: [],
        prevHash: FAKE_HASH,
        hash: FAKE_HASH,
        signature: FAKE_SIGNATURE,
      };
      const body = JSON.stringify(outcome);
      insert.run(outcome.id, deviceId, i + 1, createHash('sha256').update(body).digest('hex'), body, t, kind, level ?? null, ratedAt, HALL, window.windowNo, outcome.staff.loginName, window.dept, item.taskCode);
      if (bad) {
        const due = t + 7 * 86_400_000;
        const c = rand();
        openFollowup.run(outcome.id, '5wd', t, due, c < 0.75 ? t + 2 * 86_400_000 : c < 0.85 ? due + 86_400_000 : null);
        followups++;
      }
    }
  });
  const chunk = 10_000;
  for (let from = 0; from < count; from += chunk) {
    writeChunk(from, Math.min(count, from + chunk));
    onProgress(Math.min(count, from + chunk));
  }
  const rowsMs = performance.now() - start;
  // The dashboard tables are counted the way the migration counts an existing database.
  db.transaction(() => backfillDashboard(db))();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('ANALYZE');
  return { outcomes: count, followups, ms: performance.now() - start, rowsMs, fileBytes: statSync(db.name).size };
}

async function time(runs: number, fn: () => unknown): Promise<number[]> {
  await fn(); // warm the statement cache; the page cache is warm after generation anyway
  const sample: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    sample.push(performance.now() - start);
  }
  return sample;
}

/** The column of outcomes that holds each dimension's key, for the baseline. */
const RAW_KEY: Record<DashboardQuery['by'], string> = { hall: 'hall_code', dept: 'dept_name', window: 'window_no', staff: 'staff_login', item: 'task_code' };
/** The period of a raw outcome row per bucket (same rules as the dashboard's). */
const RAW_PERIOD: Record<DashboardQuery['bucket'], string> = {
  total: `''`,
  day: 'substr(rated_at, 1, 10)',
  week: `date(substr(rated_at, 1, 10), '-6 days', 'weekday 1')`,
  month: 'substr(rated_at, 1, 7)',
};

/**
 * The named baseline: the same counts straight from the outcomes rows of the period (GROUP BY
 * over raw outcomes, with the intake's own indexes), as a dashboard without pre-aggregation would.
 */
type BaselineRow = { key: string; period: string; total: number; good: number; bad: number };

function baselineQuery(db: IntakeDb, query: DashboardQuery) {
  const statement = db.prepare<{ hall: string; from: string; to: string }, BaselineRow>(
    `SELECT ${RAW_KEY[query.by]} AS key, ${RAW_PERIOD[query.bucket]} AS period, COUNT(*) AS total, COUNT(CASE WHEN level >= 3 THEN 1 END) AS good, COUNT(CASE WHEN level <= 2 THEN 1 END) AS bad
       FROM outcomes WHERE hall_code = @hall AND substr(rated_at, 1, 10) BETWEEN @from AND @to
      GROUP BY key, period ORDER BY period, key`,
  );
  return () => statement.all({ hall: query.hall, from: query.from, to: query.to });
}

/**
 * Times every dashboard query on one engine's dashboard store, `runs` times each, beside a
 * baseline where the engine has one; `answers` holds each aggregate as the first engine gave it,
 * and a later engine must give the same.
 */
async function timeDashboardQueries(
  dashboard: DashboardStore,
  runs: number,
  baselineOf: ((query: DashboardQuery) => { run: () => BaselineRow[]; runs: number }) | null,
  answers: Map<string, string>,
): Promise<string[][]> {
  const queries = createDashboardQueries(dashboard);
  const q = (over: Partial<DashboardQuery>): DashboardQuery => DashboardQuerySchema.parse({ hall: HALL, from: '2026-11-01', to: '2026-11-30', ...over });
  const YEAR = { from: '2026-01-01', to: '2026-12-31' };
  const rows: string[][] = [];
  const row = (name: string, sample: number[], baseline: number[] | null, result: string) => {
    const p95 = percentile(sample, 95);
    rows.push([
      name,
      formatMs(percentile(sample, 50)),
      formatMs(p95),
      p95 <= TARGET_MS ? 'yes' : 'NO',
      baseline ? formatMs(percentile(baseline, 50)) : '—',
      baseline ? formatMs(percentile(baseline, 95)) : '—',
      baseline ? `${(percentile(baseline, 50) / percentile(sample, 50)).toFixed(0)}×` : '—',
      result,
    ]);
  };
  const cases: Array<[string, DashboardQuery]> = [
    ['hall totals, one month', q({})],
    ['by department, one month', q({ by: 'dept' })],
    ['by window, one month', q({ by: 'window' })],
    ['by staff, one month', q({ by: 'staff' })],
    ['by item, one month', q({ by: 'item' })],
    ['hall per day, one year', q({ ...YEAR, bucket: 'day' })],
    ['by department per week, one year', q({ ...YEAR, by: 'dept', bucket: 'week' })],
    ['by staff per month, one year', q({ ...YEAR, by: 'staff', bucket: 'month' })],
    ['by item, one year', q({ ...YEAR, by: 'item' })],
    ['by item per month, one year', q({ ...YEAR, by: 'item', bucket: 'month' })],
  ];
  for (const [name, query] of cases) {
    const answer = await queries.aggregate(query);
    const expected = answer.rows.map((r) => [r.key, r.period ?? '', r.total, r.good, r.bad].join('|'));
    // Every engine gives the answer the first one gave, or they would not measure the same thing.
    const known = answers.get(name);
    if (known === undefined) answers.set(name, JSON.stringify(answer));
    else if (known !== JSON.stringify(answer)) throw new Error(`the engines disagree for ${name}`);
    const against = baselineOf?.(query);
    if (against) {
      // The baseline must give the same counts, or the two would not measure the same answer.
      const actual = against.run().map((r) => [r.key, r.period, r.total, r.good, r.bad].join('|'));
      if (JSON.stringify(expected) !== JSON.stringify(actual)) throw new Error(`baseline and dashboard disagree for ${name}`);
    }
    row(`aggregates: ${name}`, await time(runs, () => queries.aggregate(query)), against ? await time(against.runs, against.run) : null, `${expected.length} rows`);
  }
  let words = 0;
  row('hot words (good + bad), one month', await time(runs, async () => (words = (await queries.hotWords(q({}))).good.length)), null, `${words} good words`);
  row('hot words (good + bad), one year', await time(runs, async () => (words = (await queries.hotWords({ hall: HALL, ...YEAR })).good.length)), null, `${words} good words`);
  row('public display, one month', await time(runs, () => queries.publicDisplay(q({}))), null, 'hall + depts + windows + words');
  let bytes = 0;
  row('CSV export by item per month, one year', await time(runs, async () => (bytes = aggregatesToCsv(await queries.aggregate(q({ ...YEAR, by: 'item', bucket: 'month' }))).length)), null, `${bytes.toLocaleString('en')} chars`);
  return rows;
}

export interface DashboardBenchResult {
  generated: GenerateResult;
  rows: string[][];
  /** The same queries on PostgreSQL over a copy of the same rows, when asked for. */
  postgres?: { copyMs: number; rows: string[][] };
}

const TARGET_MS = 200;

export async function benchDashboard(count: number, runs: number, baselineRuns: number, log: (s: string) => void = console.log, options: { postgres?: boolean } = {}): Promise<DashboardBenchResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-dashboard-'));
  const store = openSqliteStore(path.join(dir, 'intake.sqlite'));
  const { db } = store;
  try {
    log(`generating ${count.toLocaleString('en')} outcomes…`);
    const generated = generateOutcomes(db, count, (done) => {
      if (done % 100_000 === 0) log(`  ${done.toLocaleString('en')}`);
    });
    log(`timing queries on SQLite (${runs} runs each, baseline ${baselineRuns})…`);
    const sqliteAnswers = new Map<string, string>();
    const rows = await timeDashboardQueries(store.dashboard, runs, (query) => ({ run: baselineQuery(db, query), runs: baselineRuns }), sqliteAnswers);
    if (!options.postgres) return { generated, rows };
    log('copying the rows into a throwaway PostgreSQL cluster…');
    const cluster = await startPgCluster();
    try {
      const pgStore = await openPostgresStore(cluster.url);
      try {
        // The bench's outcomes are stored over 2026: each month in its own partition, as a year of a live intake would be.
        await ensureOutcomePartitions(poolSql(pgStore.pool), Date.UTC(2026, 6, 1), 6, 5);
        const copyStart = performance.now();
        await copyDashboardTables(db, pgStore.pool, 5000, (table, done) => {
          if (done % 100_000 === 0) log(`  ${table} ${done.toLocaleString('en')}`);
        });
        const copyMs = performance.now() - copyStart;
        const spread = await spreadRecentShards(pgStore.pool);
        log(`  ${spread.toLocaleString('en')} shard rows added: the last two days and the last month as live writers leave them before the fold`);
        log(`timing queries on PostgreSQL (${runs} runs each)…`);
        const pgRows = await timeDashboardQueries(pgStore.dashboard, runs, null, sqliteAnswers);
        return { generated, rows, postgres: { copyMs, rows: pgRows } };
      } finally {
        await pgStore.close();
      }
    } finally {
      await cluster.stop();
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The copy puts every count on shard 0, as the hourly fold leaves past periods
 * (store/postgres/countShardFold.ts); the periods still being written hold a row per shard of each
 * key (migration 008: 16, and the ticket turn's). Their other shards are added here with no counts,
 * so every answer stays SQLite's and the reads sum as many rows as they would live.
 */
async function spreadRecentShards(pool: import('pg').Pool): Promise<number> {
  const shards = `generate_series(1, ${COUNT_SHARDS}) AS s`;
  const days = await pool.query(
    `INSERT INTO dashboard_daily (hall_code, dim, day, key, shard, label)
     SELECT hall_code, dim, day, key, s, label FROM dashboard_daily, ${shards}
      WHERE shard = 0 AND day > (SELECT to_char(max(day)::date - 2, 'YYYY-MM-DD') FROM dashboard_daily)`,
  );
  const months = await pool.query(
    `INSERT INTO dashboard_monthly (hall_code, dim, month, key, shard, label)
     SELECT hall_code, dim, month, key, s, label FROM dashboard_monthly, ${shards}
      WHERE shard = 0 AND month = (SELECT max(month) FROM dashboard_monthly)`,
  );
  return (days.rowCount ?? 0) + (months.rowCount ?? 0);
}

export function printDashboardBench(result: DashboardBenchResult): void {
  const g = result.generated;
  console.log(
    `${g.outcomes.toLocaleString('en')} outcomes (${g.followups.toLocaleString('en')} follow-ups) of one hall over 2026: rows written in ${(g.rowsMs / 1000).toFixed(1)} s, ` +
      `dashboard backfill ${((g.ms - g.rowsMs) / 1000).toFixed(1)} s, file ${(g.fileBytes / 2 ** 20).toFixed(0)} MiB`,
  );
  printTable(
    ['dashboard query (1 hall)', 'p50', 'p95', `p95 ≤ ${TARGET_MS} ms`, 'baseline p50', 'baseline p95', 'speed-up (p50)', 'result'],
    result.rows,
  );
  console.log('baseline: GROUP BY over the raw outcomes rows of the period (no pre-aggregation), same file, same run, same counts');
  if (result.postgres) {
    console.log(
      `\nPostgreSQL 15, the same rows copied from the SQLite file in ${(result.postgres.copyMs / 1000).toFixed(1)} s (outcomes partitioned by month; the last two days' and the last month's count keys spread over ${COUNT_SHARDS + 1} shards); every answer equal to SQLite's`,
    );
    printTable(['dashboard query (1 hall), PostgreSQL', 'p50', 'p95', `p95 ≤ ${TARGET_MS} ms`, 'baseline p50', 'baseline p95', 'speed-up (p50)', 'result'], result.postgres.rows);
  }
}

// `npm run bench:dashboard -- [--count 1000000] [--runs 30] [--baseline-runs 5]`
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: { count: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '30' }, 'baseline-runs': { type: 'string', default: '5' } },
  });
  printDashboardBench(await benchDashboard(Number(values.count), Number(values.runs), Number(values['baseline-runs'])));
}
