import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closedAfterEach } from '../../testing/intakeHarness';
import { loadDashboardFixture } from '../../testing/dashboardFixture';
import { openSqliteStore, type SqliteStore } from './sqliteStore';

const stores = closedAfterEach<SqliteStore>();

/**
 * The fixture's 差评 (intake/testing/dashboardFixture.ts), by position: 3 H1 3 Nov level 1, 4 H1 3 Nov
 * level 2, 8 H1 1 Dec level 2, 9 H2 2 Nov level 1, 11 H1 31 Oct level 1. Each gets a ticket, excluded
 * after an upheld appeal or not.
 */
async function fixtureWithTickets(excludedAt: number[]) {
  const store = openSqliteStore(path.join(mkdtempSync(path.join(tmpdir(), 'excluded-')), 'i.sqlite'));
  stores.push(store);
  const { outcomes } = await loadDashboardFixture(store);
  for (const position of [3, 4, 8, 9, 11]) {
    const outcome = outcomes[position - 1]!;
    await store.tickets.insert({
      id: outcome.id,
      outcomeId: outcome.id,
      hallCode: outcome.window.hallCode,
      department: outcome.case.deptName,
      stage: 'closed',
      dueAt: null,
      openedAt: 1,
      excluded: excludedAt.includes(position),
      state: '{}',
      dispatch: null,
    });
  }
  return store;
}

describe('the excluded-after-appeal query (SQLite)', () => {
  it("counts the hall's excluded 差评 of the period by level, and no ticket left in the statistics", async () => {
    const store = await fixtureWithTickets([3, 8, 9, 11]);
    const nov = { hall: 'H1', from: '2026-11-01', to: '2026-11-30' };
    expect(await store.dashboard.excludedAfterAppeal({ ...nov, by: 'hall', bucket: 'total' })).toEqual([{ key: 'H1', period: '', l1: 1, l2: 0 }]);
    expect(await store.dashboard.excludedAfterAppeal({ ...nov, by: 'dept', bucket: 'day' })).toEqual([{ key: '市场监督管理局', period: '2026-11-03', l1: 1, l2: 0 }]);
  });

  it('puts each excluded 差评 in its own period and level', async () => {
    const store = await fixtureWithTickets([3, 4, 8, 11]);
    const rows = await store.dashboard.excludedAfterAppeal({ hall: 'H1', from: '2026-10-01', to: '2026-12-31', by: 'hall', bucket: 'month' });
    expect(rows.sort((a, b) => a.period.localeCompare(b.period))).toEqual([
      { key: 'H1', period: '2026-10', l1: 1, l2: 0 },
      { key: 'H1', period: '2026-11', l1: 1, l2: 1 },
      { key: 'H1', period: '2026-12', l1: 0, l2: 1 },
    ]);
  });
});
