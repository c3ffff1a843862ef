import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDashboardTally } from '../../../dashboard/dashboardTally';
import { outcomeColumns } from '../../../integrity/storedOutcome';
import { item } from '../../../testing/intakeHarness';
import { chain, newDeviceKey } from '../../../testing/signedOutcomes';
import { sqliteDashboard } from '../dashboard';
import { sqliteOutcomes } from '../outcomes';
import { migrate, SCHEMA_VERSION } from './index';

// Before issue 18 an outcome stored untrusted (after a fork) was counted like any other.
describe('migration 12: untrusted records are not in force', () => {
  it('takes records stored untrusted out of the counts, comments, hot words and open follow-ups, and marks them untrusted', async () => {
    const db = new Database(path.join(mkdtempSync(path.join(tmpdir(), 'migration-12-')), 'i.sqlite'));
    db.pragma('foreign_keys = ON');
    migrate(db, 11);
    const key = newDeviceKey();
    const [good, forged] = chain([item(5, { comment: '服务很好', public: true }), item(1, { comment: '伪造差评', public: true })], key.privateKey);
    const outcomes = sqliteOutcomes(db);
    const tally = createDashboardTally();
    // As ingest stored and counted them then: the second untrusted, counted all the same, with a follow-up.
    for (const [o, trusted] of [[good!, true], [forged!, false]] as const) {
      const body = JSON.stringify(o);
      await outcomes.insert({ id: o.id, deviceId: 'dev-1', bodyHash: createHash('sha256').update(body).digest('hex'), body, receivedAt: 1, trusted, merge: 'rating', columns: outcomeColumns(o) });
      const opened = o.level === 1;
      if (opened) db.prepare('INSERT INTO followups (outcome_id, class, opened_at, due_at, counted_on_ingest) VALUES (?, ?, 1, 2, 1)').run(o.id, '5wd');
      tally.count(o, opened);
      tally.comment(o);
    }
    await tally.flush(sqliteDashboard(db));
    const hallDay = () => db.prepare("SELECT total, l1, l5, f_opened FROM dashboard_daily WHERE dim = 'hall' AND key = 'h1'").get();
    expect(hallDay()).toEqual({ total: 2, l1: 1, l5: 1, f_opened: 1 });
    expect(db.prepare("SELECT COUNT(*) AS n FROM dashboard_words WHERE polarity = 'bad'").get()).not.toEqual({ n: 0 });

    migrate(db);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(hallDay()).toEqual({ total: 1, l1: 0, l5: 1, f_opened: 0 });
    expect(db.prepare("SELECT total FROM dashboard_monthly WHERE dim = 'staff'").get()).toEqual({ total: 1 });
    expect(db.prepare('SELECT outcome_id FROM dashboard_comments').all()).toEqual([{ outcome_id: good!.id }]);
    expect(db.prepare("SELECT word FROM dashboard_words WHERE polarity = 'bad'").all()).toEqual([]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM followups').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT id, merge, rowid FROM outcomes ORDER BY rowid').all()).toEqual([
      { id: good!.id, merge: 'rating', rowid: 1 },
      { id: forged!.id, merge: 'untrusted', rowid: 2 },
    ]);
    db.close();
  });
});
