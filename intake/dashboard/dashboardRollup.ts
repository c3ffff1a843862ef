import type { Outcome } from '../../contract/outcome';
import type { DashboardDimension } from '../../contract/dashboard';
import type { IntakeDb } from '../database';
import { commentWords, polarityOf } from './hotWords';

/**
 * Pre-aggregation for the dashboard: per hall, local day and dimension value, the count of each
 * level and of unrated/declined outcomes; and per hall, day and polarity, how many public
 * comments used each word. Dashboard queries then read a few thousand rows instead of scanning
 * a million outcomes. Filled in the ingest transaction, so it is exactly as durable as the
 * outcome it counts.
 */
export const DASHBOARD_SCHEMA = `
  CREATE TABLE dashboard_daily (
    hall_code TEXT NOT NULL,
    dim       TEXT NOT NULL CHECK (dim IN ('hall', 'dept', 'window', 'staff', 'item')),
    day       TEXT NOT NULL,
    key       TEXT NOT NULL,
    label     TEXT NOT NULL,
    total     INTEGER NOT NULL DEFAULT 0,
    l1        INTEGER NOT NULL DEFAULT 0,
    l2        INTEGER NOT NULL DEFAULT 0,
    l3        INTEGER NOT NULL DEFAULT 0,
    l4        INTEGER NOT NULL DEFAULT 0,
    l5        INTEGER NOT NULL DEFAULT 0,
    unrated   INTEGER NOT NULL DEFAULT 0,
    declined  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (hall_code, dim, day, key)
  ) WITHOUT ROWID;
  CREATE TABLE dashboard_words (
    hall_code TEXT NOT NULL,
    polarity  TEXT NOT NULL CHECK (polarity IN ('good', 'bad')),
    day       TEXT NOT NULL,
    word      TEXT NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (hall_code, polarity, day, word)
  ) WITHOUT ROWID;
  -- Comments the citizen allowed to be public, for the hall screen's latest-comments list.
  CREATE TABLE dashboard_comments (
    outcome_id TEXT PRIMARY KEY,
    hall_code  TEXT NOT NULL,
    rated_at   TEXT NOT NULL,
    polarity   TEXT NOT NULL CHECK (polarity IN ('good', 'bad')),
    comment    TEXT NOT NULL
  );
  CREATE INDEX dashboard_comments_recent ON dashboard_comments (hall_code, rated_at);
  -- Follow-up figures join 差评 outcomes of a hall and period to their follow-up rows.
  CREATE INDEX outcomes_bad_by_day ON outcomes (hall_code, substr(rated_at, 1, 10)) WHERE level <= 2;
`;

/** The hall's local calendar day of an ISO time with offset ("2026-11-22T23:30:00+08:00" → 2026-11-22). */
export function localDay(ratedAt: string): string {
  return ratedAt.slice(0, 10);
}

function dimensionValues(o: Outcome): Array<[DashboardDimension, string, string]> {
  return [
    ['hall', o.window.hallCode, o.window.hallCode],
    ['dept', o.case.deptName, o.case.deptName],
    ['window', o.window.windowNo, o.window.windowName],
    ['staff', o.staff.loginName, o.staff.name],
    ['item', o.case.taskCode, o.case.taskName],
  ];
}

export function createDashboardRecorder(db: IntakeDb) {
  const upsertDaily = db.prepare(
    `INSERT INTO dashboard_daily (hall_code, dim, day, key, label, total, l1, l2, l3, l4, l5, unrated, declined)
     VALUES (@hall, @dim, @day, @key, @label, 1, @l1, @l2, @l3, @l4, @l5, @unrated, @declined)
     ON CONFLICT (hall_code, dim, day, key) DO UPDATE SET
       label = excluded.label, total = total + 1, l1 = l1 + excluded.l1, l2 = l2 + excluded.l2, l3 = l3 + excluded.l3,
       l4 = l4 + excluded.l4, l5 = l5 + excluded.l5, unrated = unrated + excluded.unrated, declined = declined + excluded.declined`,
  );
  const upsertWord = db.prepare(
    `INSERT INTO dashboard_words (hall_code, polarity, day, word, n) VALUES (?, ?, ?, ?, 1)
     ON CONFLICT (hall_code, polarity, day, word) DO UPDATE SET n = n + 1`,
  );
  const addComment = db.prepare('INSERT OR IGNORE INTO dashboard_comments (outcome_id, hall_code, rated_at, polarity, comment) VALUES (?, ?, ?, ?, ?)');

  /** Counts one newly stored outcome (never a duplicate: the caller counts each id once). */
  return function record(o: Outcome): void {
    const day = localDay(o.ratedAt);
    const level = o.outcome === 'rated' ? (o.level ?? 0) : 0;
    const counts = {
      l1: Number(level === 1),
      l2: Number(level === 2),
      l3: Number(level === 3),
      l4: Number(level === 4),
      l5: Number(level === 5),
      unrated: Number(o.outcome === 'unrated'),
      declined: Number(o.outcome === 'declined'),
    };
    for (const [dim, key, label] of dimensionValues(o)) upsertDaily.run({ hall: o.window.hallCode, dim, day, key, label, ...counts });
    // Only comments the citizen allowed to be public feed the hot words, for managers too.
    if (o.public && o.comment && level > 0) {
      const polarity = polarityOf(level);
      for (const word of commentWords(o.comment)) upsertWord.run(o.window.hallCode, polarity, day, word);
      addComment.run(o.id, o.window.hallCode, o.ratedAt, polarity, o.comment);
    }
  };
}

/** Each dimension's key column and the body field that labels it. */
const BACKFILL_DIMENSIONS: Array<[DashboardDimension, string, string]> = [
  ['hall', 'hall_code', 'hall_code'],
  ['dept', 'dept_name', 'dept_name'],
  ['window', 'window_no', `json_extract(body, '$.window.windowName')`],
  ['staff', 'staff_login', `json_extract(body, '$.staff.name')`],
  ['item', 'task_code', `json_extract(body, '$.case.taskName')`],
];

/**
 * Counts every outcome already stored into empty dashboard tables: the daily counts set-based
 * in SQL (one GROUP BY per dimension: seconds for a million rows, where one upsert per outcome
 * and dimension takes minutes), the hot words row by row over public commented ratings only.
 */
export function backfillDashboard(db: IntakeDb): void {
  for (const [dim, key, label] of BACKFILL_DIMENSIONS) {
    db.prepare(
      `INSERT INTO dashboard_daily (hall_code, dim, day, key, label, total, l1, l2, l3, l4, l5, unrated, declined)
       SELECT hall_code, @dim, substr(rated_at, 1, 10) AS day, ${key}, MAX(${label}), COUNT(*),
              SUM(outcome = 'rated' AND level = 1), SUM(outcome = 'rated' AND level = 2), SUM(outcome = 'rated' AND level = 3),
              SUM(outcome = 'rated' AND level = 4), SUM(outcome = 'rated' AND level = 5),
              SUM(outcome = 'unrated'), SUM(outcome = 'declined')
         FROM outcomes GROUP BY hall_code, day, ${key}`,
    ).run({ dim });
  }
  const upsertWord = db.prepare(
    `INSERT INTO dashboard_words (hall_code, polarity, day, word, n) VALUES (?, ?, ?, ?, 1)
     ON CONFLICT (hall_code, polarity, day, word) DO UPDATE SET n = n + 1`,
  );
  const addComment = db.prepare('INSERT OR IGNORE INTO dashboard_comments (outcome_id, hall_code, rated_at, polarity, comment) VALUES (?, ?, ?, ?, ?)');
  const page = db.prepare<[number], { rowid: number; id: string; hall_code: string; rated_at: string; day: string; level: number; comment: string }>(
    `SELECT rowid, id, hall_code, rated_at, substr(rated_at, 1, 10) AS day, level, json_extract(body, '$.comment') AS comment FROM outcomes
      WHERE rowid > ? AND outcome = 'rated' AND json_extract(body, '$.public') AND json_extract(body, '$.comment') IS NOT NULL
      ORDER BY rowid LIMIT 5000`,
  );
  for (let after = 0; ; ) {
    const rows = page.all(after);
    if (rows.length === 0) break;
    for (const row of rows) {
      const polarity = polarityOf(row.level);
      for (const word of commentWords(row.comment)) upsertWord.run(row.hall_code, polarity, row.day, word);
      addComment.run(row.id, row.hall_code, row.rated_at, polarity, row.comment);
    }
    after = (rows[rows.length - 1] as { rowid: number }).rowid;
  }
}

/** Migration step: create the tables and count every outcome already stored. */
export function migrateDashboard(db: IntakeDb): void {
  db.exec(DASHBOARD_SCHEMA);
  backfillDashboard(db);
}
