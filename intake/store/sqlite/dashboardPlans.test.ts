import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateOutcomes } from '../../../scripts/benchDashboard';
import { openSqliteStore } from './sqliteStore';

const store = openSqliteStore(path.join(mkdtempSync(path.join(tmpdir(), 'dashboard-plans-')), 'i.sqlite'));
afterAll(() => store.close());

/** The query plans of the statements a call runs, as SQLite's EXPLAIN QUERY PLAN gives them. */
async function plansOf(call: () => Promise<unknown>): Promise<string[][]> {
  const plans: string[][] = [];
  const prepare = store.db.prepare.bind(store.db);
  store.db.prepare = ((source: string) => {
    const statement = prepare(source);
    const explain = (args: unknown[]) => void plans.push((prepare(`EXPLAIN QUERY PLAN ${source}`).all(...(args as [])) as Array<{ detail: string }>).map((row) => row.detail));
    const all = statement.all.bind(statement);
    const get = statement.get.bind(statement);
    return Object.assign(statement, { all: (...args: unknown[]) => (explain(args), all(...(args as []))), get: (...args: unknown[]) => (explain(args), get(...(args as []))) });
  }) as typeof store.db.prepare;
  try {
    await call();
  } finally {
    store.db.prepare = prepare;
  }
  return plans;
}

// The tickets and open follow-ups a period's figures need are few; a hall's outcomes are many.
// An index on outcomes (hall_code, …) (migration 20) once made SQLite start these joins from
// the hall's outcomes: 260 ms a query at 200,000 outcomes instead of under 1 ms.
describe('dashboard queries that join outcomes start from the few rows they need', () => {
  generateOutcomes(store.db, 3000);
  const hall = (store.db.prepare('SELECT hall_code FROM outcomes LIMIT 1').get() as { hall_code: string }).hall_code;
  const period = { hall, from: '2026-01-01', to: '2026-12-31' };
  const startsAtOutcomes = (plan: string[]) => /^(SCAN|SEARCH) o\b/.test(plan[0] ?? '');
  // Since the phone ratings joined them (issue 24), each query is a part per rating table: in
  // every part the rating (`o`) is found by its id, never scanned or searched by hall.
  const ratingReads = (plan: string[]) => plan.filter((line) => /^(SCAN|SEARCH) o\b/.test(line));
  const byId = /^SEARCH o USING (COVERING )?INDEX sqlite_autoindex_(outcomes|phone_ratings)_1 \(id=\?\)$/;

  it.each([
    ['excluded after appeal', () => store.dashboard.excludedAfterAppeal({ ...period, by: 'window', bucket: 'month' })],
    ['open, not yet due', () => store.dashboard.openNotDue({ ...period, by: 'dept', bucket: 'day', now: Date.UTC(2026, 5, 1) })],
    ['public rectifications', () => store.dashboard.publicRectifications({ ...period, limit: 20 })],
  ])('%s', async (_name, call) => {
    const plans = await plansOf(call);
    expect(plans.length).toBeGreaterThan(0);
    for (const plan of plans) {
      expect(startsAtOutcomes(plan), plan.join(' | ')).toBe(false);
      expect(ratingReads(plan).length, plan.join(' | ')).toBeGreaterThan(0);
      for (const read of ratingReads(plan)) expect(read, plan.join(' | ')).toMatch(byId);
      // Nor any outcome scanned for a row: a press's details are found by the index on amends_id.
      expect(plan.filter((line) => /^SCAN (o|d)\b/.test(line)), plan.join(' | ')).toEqual([]);
    }
    // Both tables a rating is in are read.
    expect(plans.flatMap(ratingReads).map((read) => /autoindex_(\w+)_1/.exec(read)?.[1])).toEqual(expect.arrayContaining(['outcomes', 'phone_ratings']));
  });
});
