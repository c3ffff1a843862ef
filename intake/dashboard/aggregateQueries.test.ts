import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DashboardQuerySchema, type AggregateRow, type DashboardQuery } from '../../contract/dashboard';
import { step005 as migrateDashboard } from '../store/sqlite/migrations/005-dashboard';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqliteStore';
import type { CountRow, DashboardStore, TicketCounts } from '../store/store';
import { createDashboardQueries } from './aggregateQueries';
import { FIXTURE_NOW, loadDashboardFixture } from '../testing/dashboardFixture';

let stores: SqliteStore[] = [];
afterEach(async () => {
  await Promise.all(stores.map((store) => store.close()));
  stores = [];
});

function newStore(): SqliteStore {
  const store = openSqliteStore(path.join(mkdtempSync(path.join(tmpdir(), 'dashboard-')), 'i.sqlite'));
  stores.push(store);
  return store;
}

async function fixtureStore(): Promise<SqliteStore> {
  const store = newStore();
  await loadDashboardFixture(store);
  return store;
}

const queriesOf = (store: SqliteStore) => createDashboardQueries(store.dashboard, () => FIXTURE_NOW);

const NOV = { hall: 'H1', from: '2026-11-01', to: '2026-11-30' };
const query = (q: Partial<DashboardQuery>): DashboardQuery => DashboardQuerySchema.parse({ ...NOV, ...q });


// Worked out by hand from dashboardFixture.ts (outcomes 1–7 and 10 are H1's November).
describe('dashboard aggregates against the hand-computed fixture', () => {
  it('hall totals: good = 3–5, bad = 1–2, unrated share, follow-up completion and overdue', async () => {
    const { rows } = await queriesOf(await fixtureStore()).aggregate(query({ by: 'hall' }));
    const expected: AggregateRow[] = [
      {
        key: 'H1', label: 'H1', period: null, total: 8, rated: 6, good: 4, bad: 2, unrated: 1, declined: 1, levels: [1, 1, 1, 1, 2],
        goodRate: 4 / 6, unratedShare: 2 / 8,
        followups: { opened: 2, closed: 1, overdue: 1, closedLate: 0, completionRate: 0.5 },
        excludedAfterAppeal: 0,
      },
    ];
    expect(rows).toEqual(expected);
  });

  it('by department', async () => {
    const { rows } = await queriesOf(await fixtureStore()).aggregate(query({ by: 'dept' }));
    expect(rows).toEqual([
      {
        key: '市场监督管理局', label: '市场监督管理局', period: null, total: 4, rated: 4, good: 3, bad: 1, unrated: 0, declined: 0, levels: [1, 0, 0, 1, 2],
        goodRate: 3 / 4, unratedShare: 0, followups: { opened: 1, closed: 1, overdue: 0, closedLate: 0, completionRate: 1 },
        excludedAfterAppeal: 0,
      },
      {
        key: '税务局', label: '税务局', period: null, total: 4, rated: 2, good: 1, bad: 1, unrated: 1, declined: 1, levels: [0, 1, 1, 0, 0],
        goodRate: 1 / 2, unratedShare: 2 / 4, followups: { opened: 1, closed: 0, overdue: 1, closedLate: 0, completionRate: 0 },
        excludedAfterAppeal: 0,
      },
    ]);
  });

  it('by window and staff carry the display names', async () => {
    const q = queriesOf(await fixtureStore());
    expect((await q.aggregate(query({ by: 'window' }))).rows.map((r) => [r.key, r.label, r.total, r.good, r.bad])).toEqual([
      ['A01', '综合受理一号窗口', 4, 3, 1],
      ['B02', '办税二号窗口', 4, 1, 1],
    ]);
    expect((await q.aggregate(query({ by: 'staff' }))).rows.map((r) => [r.key, r.label, r.total, r.rated, r.followups.overdue])).toEqual([
      ['lisi', '李四', 4, 2, 1],
      ['zhangsan', '张三', 4, 4, 0],
    ]);
  });

  it('by item', async () => {
    const { rows } = await queriesOf(await fixtureStore()).aggregate(query({ by: 'item' }));
    expect(rows.map((r) => [r.key, r.label, r.total, r.good, r.bad, r.levels, r.followups.opened, r.followups.closed])).toEqual([
      ['T1', '企业设立登记', 3, 3, 0, [0, 0, 0, 1, 2], 0, 0],
      ['T2', '企业变更登记', 1, 0, 1, [1, 0, 0, 0, 0], 1, 1],
      ['T3', '发票申领', 4, 1, 1, [0, 1, 1, 0, 0], 1, 0],
    ]);
  });

  it('by ISO week (named by its Monday); the month starts on a Sunday', async () => {
    const { rows } = await queriesOf(await fixtureStore()).aggregate(query({ bucket: 'week' }));
    expect(rows.map((r) => [r.period, r.total, r.rated, r.good, r.bad, r.unrated, r.declined, r.followups.opened, r.followups.overdue])).toEqual([
      ['2026-10-26', 1, 1, 1, 0, 0, 0, 0, 0],
      ['2026-11-02', 4, 4, 2, 2, 0, 0, 2, 1],
      ['2026-11-09', 3, 1, 1, 0, 1, 1, 0, 0],
    ]);
  });

  it('by day and by month, across a month boundary; the local day comes from ratedAt’s own offset', async () => {
    const q = queriesOf(await fixtureStore());
    const days = (await q.aggregate(query({ bucket: 'day', from: '2026-10-31', to: '2026-11-02' }))).rows;
    expect(days.map((r) => [r.period, r.total, r.bad])).toEqual([
      ['2026-10-31', 1, 1],
      ['2026-11-01', 1, 0],
      ['2026-11-02', 2, 0],
    ]);
    const months = (await q.aggregate(query({ bucket: 'month', from: '2026-10-01', to: '2026-12-31' }))).rows;
    expect(months.map((r) => [r.period, r.total, r.good, r.bad, r.followups])).toEqual([
      ['2026-10', 1, 0, 1, { opened: 1, closed: 1, overdue: 0, closedLate: 1, completionRate: 1 }],
      ['2026-11', 8, 4, 2, { opened: 2, closed: 1, overdue: 1, closedLate: 0, completionRate: 0.5 }],
      ['2026-12', 1, 0, 1, { opened: 1, closed: 0, overdue: 0, closedLate: 0, completionRate: 0 }],
    ]);
  });

  it('a period with ragged edges adds edge days to whole months (Oct 31 + November + Dec 1)', async () => {
    const q = queriesOf(await fixtureStore());
    const [row] = (await q.aggregate(query({ from: '2026-10-31', to: '2026-12-01' }))).rows;
    expect([row?.total, row?.good, row?.bad, row?.followups]).toEqual([10, 4, 4, { opened: 4, closed: 2, overdue: 1, closedLate: 1, completionRate: 0.5 }]);
  });

  it('closing or reclassifying a follow-up later moves the figures (kept by triggers)', async () => {
    const store = await fixtureStore();
    const { db } = store;
    const q = queriesOf(store);
    const overdue = db.prepare<[number], { outcome_id: string }>('SELECT f.outcome_id FROM followups f JOIN outcomes o ON o.id = f.outcome_id WHERE o.hall_code = \'H1\' AND f.closed_at IS NULL AND f.due_at < ?').get(FIXTURE_NOW);
    if (!overdue) throw new Error('fixture has no overdue follow-up');
    db.prepare('UPDATE followups SET closed_at = ? WHERE outcome_id = ?').run(FIXTURE_NOW, overdue.outcome_id);
    expect((await q.aggregate(query({}))).rows[0]?.followups).toEqual({ opened: 2, closed: 2, overdue: 0, closedLate: 1, completionRate: 1 });
    expect((await q.aggregate(query({ bucket: 'day' }))).rows.find((r) => r.period === '2026-11-03')?.followups).toEqual({ opened: 2, closed: 2, overdue: 0, closedLate: 1, completionRate: 1 });
    // Moved to 15 working days: no longer late.
    db.prepare('UPDATE followups SET due_at = ? WHERE outcome_id = ?').run(FIXTURE_NOW + 86_400_000, overdue.outcome_id);
    expect((await q.aggregate(query({}))).rows[0]?.followups.closedLate).toBe(0);
    db.prepare('DELETE FROM followups WHERE outcome_id = ?').run(overdue.outcome_id);
    expect((await q.aggregate(query({}))).rows[0]?.followups).toEqual({ opened: 1, closed: 1, overdue: 0, closedLate: 0, completionRate: 1 });
  });

  it('an empty period gives no rows; another hall is never mixed in', async () => {
    const q = queriesOf(await fixtureStore());
    expect((await q.aggregate(query({ from: '2027-01-01', to: '2027-01-31' }))).rows).toEqual([]);
    const h2 = (await q.aggregate(query({ hall: 'H2' }))).rows;
    expect(h2.map((r) => [r.total, r.bad, r.followups.opened])).toEqual([[1, 1, 1]]);
  });

  it('hot words come from public comments only, split good/bad, without numbers', async () => {
    const words = (await queriesOf(await fixtureStore()).hotWords(NOV));
    expect(words.good).toContainEqual({ word: '效率', count: 2 });
    expect(words.good[0]).toEqual({ word: '效率', count: 2 });
    expect(words.bad.map((w) => w.word)).toEqual(expect.arrayContaining(['排队', '材料', '反复']));
    const all = [...words.good, ...words.bad].map((w) => w.word);
    for (const hidden of ['生硬', '秘密', '词汇', '十月']) expect(all).not.toContain(hidden);
    expect(all.some((w) => /\d/.test(w))).toBe(false);
  });

  it('the public display holds counts and rates only', async () => {
    const display = (await queriesOf(await fixtureStore()).publicDisplay(NOV));
    expect(display.totals).toEqual({ key: 'H1', label: 'H1', total: 8, rated: 6, good: 4, bad: 2, goodRate: 4 / 6, unratedShare: 0.25, excludedAfterAppeal: 0 });
    expect(display.followupCompletionRate).toBe(0.5);
    expect(display.windows.map((w) => w.label)).toEqual(['综合受理一号窗口', '办税二号窗口']);
    // Public comments only, newest first; the phone number a citizen typed into one is masked.
    expect(display.comments).toEqual([
      { day: '2026-11-03', polarity: 'bad', text: '排队太久，材料要求反复提交，电话***********' },
      { day: '2026-11-02', polarity: 'good', text: '态度好，效率高' },
      { day: '2026-11-02', polarity: 'good', text: '服务热情，效率很高，一次就办好了' },
    ]);
    const text = JSON.stringify(display);
    for (const secret of ['张三', '李四', 'zhangsan', 'lisi', '13900001111', '13812345678', '生硬', '秘密']) expect(text).not.toContain(secret);
  });

  it('the migration backfills the same aggregates from outcomes stored before it', async () => {
    const store = await fixtureStore();
    const { db } = store;
    const q = queriesOf(store);
    const byEach = (queries: typeof q) => Promise.all(['hall', 'dept', 'window', 'staff', 'item'].map((by) => queries.aggregate(query({ by: by as DashboardQuery['by'], bucket: 'day' }))));
    const before = await byEach(q);
    const wordsBefore = (await q.hotWords(NOV));
    db.exec('DROP TABLE dashboard_daily; DROP TABLE dashboard_monthly; DROP TABLE dashboard_words; DROP TABLE dashboard_comments; DROP TRIGGER dashboard_followup_insert; DROP TRIGGER dashboard_followup_update; DROP TRIGGER dashboard_followup_delete;');
    db.transaction(() => migrateDashboard(db))();
    const again = queriesOf(store);
    expect(await byEach(again)).toEqual(before);
    expect((await again.hotWords(NOV))).toEqual(wordsBefore);
    expect((await again.publicComments(NOV))).toEqual((await q.publicComments(NOV)));
  });

  it('a resent outcome (duplicate) is not counted twice', async () => {
    const store = newStore();
    const { outcomes, ingest } = await loadDashboardFixture(store);
    expect((await ingest([outcomes[0]])).map((r) => r.status)).toEqual(['duplicate']);
    expect((await queriesOf(store).aggregate(query({}))).rows[0]?.total).toBe(8);
  });
});

/** A dashboard store that answers what it is given: the read side's arithmetic on its own. */
function givenStore(given: { counts?: CountRow[]; excluded?: Array<{ key: string; period: string; l1: number; l2: number }>; tickets?: Partial<TicketCounts>; words?: { good: string[]; bad: string[] } }): DashboardStore {
  const none = async () => undefined;
  return {
    addCounts: none,
    addWords: none,
    addComment: none,
    counts: async () => given.counts ?? [],
    openNotDue: async () => [],
    hotWords: async (q) => (given.words?.[q.polarity] ?? []).map((word, i) => ({ word, count: 10 - i })),
    comments: async () => [],
    excludedAfterAppeal: async () => given.excluded ?? [],
    ticketCounts: async () => ({ opened: 0, rectifying: 0, rectified: 0, rectifiedOnTime: 0, revisited: 0, satisfied: 0, appealsFiled: 0, appealsUpheld: 0, appealsRejected: 0, ...given.tickets }),
    publicRectifications: async () => [],
  };
}

const countRow = (key: string, levels: [number, number, number, number, number]): CountRow => ({
  key,
  label: key,
  period: '',
  total: levels.reduce((a, b) => a + b, 0),
  l1: levels[0],
  l2: levels[1],
  l3: levels[2],
  l4: levels[3],
  l5: levels[4],
  unrated: 0,
  declined: 0,
  opened: levels[0] + levels[1],
  closed: 0,
  closedLate: 0,
});

describe('差评 excluded after an upheld appeal, in the aggregates', () => {
  it('takes the excluded 差评 of each level out of bad and the rate, keeps them in the total and their level, and counts them', async () => {
    const store = givenStore({ counts: [countRow('税务局', [2, 3, 1, 2, 1]), countRow('市场监督管理局', [1, 0, 0, 0, 1])], excluded: [{ key: '税务局', period: '', l1: 1, l2: 2 }] });
    const { rows } = await createDashboardQueries(store, () => FIXTURE_NOW).aggregate(query({ by: 'dept' }));
    expect(rows[0]).toMatchObject({ key: '税务局', total: 9, levels: [2, 3, 1, 2, 1], good: 4, bad: 2, rated: 6, goodRate: 4 / 6, excludedAfterAppeal: 3 });
    // Another key's 差评 stay bad: the exclusion is matched by key and period.
    expect(rows[1]).toMatchObject({ key: '市场监督管理局', good: 1, bad: 1, goodRate: 0.5, excludedAfterAppeal: 0 });
  });

  it('has no good rate when every rated 差评 was excluded and nothing else was rated', async () => {
    const store = givenStore({ counts: [countRow('h1', [1, 1, 0, 0, 0])], excluded: [{ key: 'h1', period: '', l1: 1, l2: 1 }] });
    const [row] = (await createDashboardQueries(store, () => FIXTURE_NOW).aggregate(query({}))).rows;
    expect(row).toMatchObject({ total: 2, rated: 0, bad: 0, goodRate: null, excludedAfterAppeal: 2 });
  });

  it('counts appeals still waiting for the reviewer as filed less upheld less rejected', async () => {
    const store = givenStore({ counts: [countRow('h1', [1, 0, 0, 0, 0])], tickets: { appealsFiled: 5, appealsUpheld: 1, appealsRejected: 2 } });
    expect((await createDashboardQueries(store, () => FIXTURE_NOW).aggregate(query({}))).tickets.appeals).toEqual({ filed: 5, upheld: 1, rejected: 2, pending: 2 });
  });

  it('shows a hall with nothing rated in the period as zeros on the public display, with its hot words', async () => {
    const store = givenStore({ words: { good: ['热情'], bad: ['排队'] } });
    const display = await createDashboardQueries(store, () => FIXTURE_NOW).publicDisplay(NOV);
    expect(display.totals).toEqual({ key: 'H1', label: 'H1', total: 0, rated: 0, good: 0, bad: 0, goodRate: null, unratedShare: null, excludedAfterAppeal: 0 });
    expect(display.followupCompletionRate).toBeNull();
    expect(display.hotWords).toEqual({ good: [{ word: '热情', count: 10 }], bad: [{ word: '排队', count: 10 }] });
  });
});
