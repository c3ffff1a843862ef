import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIGURES_COUNTING_PHONE, FIGURES_WITHOUT_PHONE, followupFigures, followupsBeforePhoneCounting } from '../../../testing/phoneFollowupsFixture';
import { sqliteDashboard } from '../dashboard';
import { recountFollowups } from '../dashboardSql';
import { sqliteFollowups } from '../followups';
import { sqliteOutcomes } from '../outcomes';
import { sqlitePhone } from '../phone';
import { migrate } from './index';

describe('migration 24: a phone 差评’s follow-up counts in the follow-up figures', () => {
  it('recounts the figures of a database holding phone 差评 follow-ups from step 23, and its triggers count the next closing', async () => {
    const db = new Database(path.join(mkdtempSync(path.join(tmpdir(), 'migration-24-')), 'i.sqlite'));
    migrate(db, 23);
    const data = { outcomes: sqliteOutcomes(db), phone: sqlitePhone(db), followups: sqliteFollowups(db), dashboard: sqliteDashboard(db) };
    const { phoneWindow } = await followupsBeforePhoneCounting(data);
    const countsBefore = db.prepare('SELECT hall_code, dim, day, key, label, total, l1, l2, l3, l4, l5, unrated, declined FROM dashboard_daily ORDER BY dim, key').all();
    expect(await followupFigures(data.dashboard, 'day')).toEqual(FIGURES_WITHOUT_PHONE);

    migrate(db);

    expect(await followupFigures(data.dashboard, 'day')).toEqual(FIGURES_COUNTING_PHONE);
    expect(await followupFigures(data.dashboard, 'month')).toEqual(FIGURES_COUNTING_PHONE);
    // The ratings' own counts and labels are as they were; the window QR's item keeps the label the phone page gave it.
    expect(db.prepare('SELECT hall_code, dim, day, key, label, total, l1, l2, l3, l4, l5, unrated, declined FROM dashboard_daily ORDER BY dim, key').all()).toEqual(countsBefore);
    expect(db.prepare("SELECT label FROM dashboard_daily WHERE dim = 'item' AND key = 'WINDOW-SERVICE'").get()).toEqual({ label: '二号窗口服务评价' });
    // Set, not added: recounting again changes nothing.
    recountFollowups(db);
    expect(await followupFigures(data.dashboard, 'month')).toEqual(FIGURES_COUNTING_PHONE);

    // From now on the triggers count a phone follow-up's closing as a device one's.
    await sqliteFollowups(db).close(phoneWindow.id, Date.UTC(2026, 10, 20, 2, 0, 0) + 100, 'fixed');
    const after = await followupFigures(data.dashboard, 'day');
    expect([after.window?.W2, after.item?.['WINDOW-SERVICE'], after.hall?.h1]).toEqual([
      [1, 1, 0],
      [1, 1, 0],
      [3, 3, 1],
    ]);
    db.close();
  });
});
