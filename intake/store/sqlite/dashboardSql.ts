import type { DashboardDimension } from '../../../contract/dashboard';
import { commentWords, polarityOf } from '../../dashboard/hotWords';
import { RATING_TABLES, type RatingTable } from '../storeRows';
import type { SqliteDb } from './sqliteDb';

/**
 * The two count tables: per hall, dimension value and local day, and the same per month (a
 * year's query then reads 12 rows per key instead of 365). Each holds the count of each level,
 * of unrated/declined outcomes, and of the follow-ups of the period's 差评 (opened, closed,
 * closed late), kept by triggers on the followups table whoever changes it.
 */
export const COUNT_TABLES = [
  { table: 'dashboard_daily', period: 'day', ofRatedAt: (o = '') => `substr(${o}rated_at, 1, 10)` },
  { table: 'dashboard_monthly', period: 'month', ofRatedAt: (o = '') => `substr(${o}rated_at, 1, 7)` },
] as const;

/** Each dimension's key column in outcomes and what labels it (`o`: the table's alias and dot, if any). */
const DIMENSION_COLUMNS: Array<[DashboardDimension, string, (o?: string) => string]> = [
  ['hall', 'hall_code', (o = '') => `${o}hall_code`],
  ['dept', 'dept_name', (o = '') => `${o}dept_name`],
  ['window', 'window_no', (o = '') => `json_extract(${o}body, '$.window.windowName')`],
  ['staff', 'staff_login', (o = '') => `json_extract(${o}body, '$.staff.name')`],
  ['item', 'task_code', (o = '') => `json_extract(${o}body, '$.case.taskName')`],
];

const countTable = (table: string, period: string) => `
  CREATE TABLE ${table} (
    hall_code     TEXT NOT NULL,
    dim           TEXT NOT NULL CHECK (dim IN ('hall', 'dept', 'window', 'staff', 'item')),
    ${period.padEnd(13)} TEXT NOT NULL,
    key           TEXT NOT NULL,
    label         TEXT NOT NULL,
    total         INTEGER NOT NULL DEFAULT 0,
    l1            INTEGER NOT NULL DEFAULT 0,
    l2            INTEGER NOT NULL DEFAULT 0,
    l3            INTEGER NOT NULL DEFAULT 0,
    l4            INTEGER NOT NULL DEFAULT 0,
    l5            INTEGER NOT NULL DEFAULT 0,
    unrated       INTEGER NOT NULL DEFAULT 0,
    declined      INTEGER NOT NULL DEFAULT 0,
    f_opened      INTEGER NOT NULL DEFAULT 0,
    f_closed      INTEGER NOT NULL DEFAULT 0,
    f_closed_late INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (hall_code, dim, ${period}, key)
  ) WITHOUT ROWID;`;

export const CLOSED = (row: string) => `(${row}.closed_at IS NOT NULL)`;
export const CLOSED_LATE = (row: string) => `(${row}.closed_at IS NOT NULL AND ${row}.closed_at > ${row}.due_at)`;

/** One statement per count table and dimension: add a follow-up row's figures, times `sign`. */
export function followupCounting(row: 'NEW' | 'OLD', sign: '+' | '-'): string {
  return COUNT_TABLES.flatMap(({ table, period, ofRatedAt }) =>
    DIMENSION_COLUMNS.map(
      ([dim, key, label]) => `
    INSERT INTO ${table} (hall_code, dim, ${period}, key, label, f_opened, f_closed, f_closed_late)
      SELECT hall_code, '${dim}', ${ofRatedAt()}, ${key}, ${label()}, ${sign}1, ${sign}${CLOSED(row)}, ${sign}${CLOSED_LATE(row)} FROM outcomes WHERE id = ${row}.outcome_id
      ON CONFLICT (hall_code, dim, ${period}, key) DO UPDATE SET
        f_opened = f_opened + excluded.f_opened, f_closed = f_closed + excluded.f_closed, f_closed_late = f_closed_late + excluded.f_closed_late;`,
    ),
  ).join('');
}

/**
 * What labels a dimension's key in a rating's table (`o`: alias and dot): a phone rating's item is
 * its task_name column (a window's rating names no case: "<window>服务评价", ingest/ratingRecord.ts);
 * everything else is read from the body as for an outcome.
 */
function ratingLabel(table: RatingTable, dim: DashboardDimension, label: (o?: string) => string, o = ''): string {
  return table === 'phone_ratings' && dim === 'item' ? `${o}task_name` : label(o);
}

/**
 * As followupCounting, for a follow-up of a device's rating or of a phone rating (issue 24,
 * migration 24): the rating is read from outcomes or phone_ratings, whichever holds its id. A
 * window's phone rating names no staff member: no staff row, as the ingest tally counts it.
 */
export function followupCountingOfRatings(row: 'NEW' | 'OLD', sign: '+' | '-'): string {
  return COUNT_TABLES.flatMap(({ table, period, ofRatedAt }) =>
    DIMENSION_COLUMNS.map(([dim, key, label]) => {
      const of = (ratings: RatingTable) =>
        `SELECT hall_code, '${dim}', ${ofRatedAt()}, ${key}, ${ratingLabel(ratings, dim, label)}, ${sign}1, ${sign}${CLOSED(row)}, ${sign}${CLOSED_LATE(row)}
           FROM ${ratings} WHERE id = ${row}.outcome_id AND ${key} IS NOT NULL`;
      return `
    INSERT INTO ${table} (hall_code, dim, ${period}, key, label, f_opened, f_closed, f_closed_late)
      ${RATING_TABLES.map(of).join(' UNION ALL ')}
      ON CONFLICT (hall_code, dim, ${period}, key) DO UPDATE SET
        f_opened = f_opened + excluded.f_opened, f_closed = f_closed + excluded.f_closed, f_closed_late = f_closed_late + excluded.f_closed_late;`;
    }),
  ).join('');
}

/**
 * Sets every count row's follow-up figures (opened, closed, closed late) to what the stored
 * follow-ups say, device and phone ratings alike: one GROUP BY per table and dimension over the
 * follow-ups (few) and their ratings found by id. Setting, not adding: running it twice changes nothing.
 */
export function recountFollowups(db: SqliteDb): void {
  for (const { table, period, ofRatedAt } of COUNT_TABLES) {
    db.exec(`UPDATE ${table} SET f_opened = 0, f_closed = 0, f_closed_late = 0 WHERE f_opened <> 0 OR f_closed <> 0 OR f_closed_late <> 0`);
    for (const [dim, key, label] of DIMENSION_COLUMNS) {
      const of = (ratings: RatingTable) =>
        `SELECT o.hall_code, ${ofRatedAt('o.')} AS at, o.${key} AS key, ${ratingLabel(ratings, dim, label, 'o.')} AS label, ${CLOSED('f')} AS closed, ${CLOSED_LATE('f')} AS late
           FROM followups f CROSS JOIN ${ratings} o ON o.id = f.outcome_id WHERE o.${key} IS NOT NULL`;
      db.prepare(
        `INSERT INTO ${table} (hall_code, dim, ${period}, key, label, f_opened, f_closed, f_closed_late)
         SELECT hall_code, @dim, at, key, COALESCE(MAX(label), key), COUNT(*), SUM(closed), SUM(late)
           FROM (${RATING_TABLES.map(of).join(' UNION ALL ')}) WHERE true GROUP BY hall_code, at, key
         ON CONFLICT (hall_code, dim, ${period}, key) DO UPDATE SET
           f_opened = excluded.f_opened, f_closed = excluded.f_closed, f_closed_late = excluded.f_closed_late`,
      ).run({ dim });
    }
  }
}

/**
 * Pre-aggregation for the dashboard: the count tables above; per hall, day and polarity, how
 * many public comments used each word; and the public comments themselves. Dashboard queries
 * then read a few thousand rows instead of scanning a million outcomes. Filled in the ingest
 * transaction (and by the follow-up triggers in the transaction that changes a follow-up), so it
 * is exactly as durable as what it counts.
 */
export const DASHBOARD_SCHEMA = `
  ${COUNT_TABLES.map(({ table, period }) => countTable(table, period)).join('\n')}
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
  -- A follow-up counts on its 差评's day: opened on insert, closed / closed late as they change.
  CREATE TRIGGER dashboard_followup_insert AFTER INSERT ON followups BEGIN ${followupCounting('NEW', '+')}
  END;
  CREATE TRIGGER dashboard_followup_update AFTER UPDATE OF closed_at, due_at ON followups BEGIN ${followupCounting('OLD', '-')} ${followupCounting('NEW', '+')}
  END;
  CREATE TRIGGER dashboard_followup_delete AFTER DELETE ON followups BEGIN ${followupCounting('OLD', '-')}
  END;
`;

/**
 * Counts every outcome and follow-up already stored into the dashboard tables (setting, not
 * adding, so running it twice changes nothing): the counts set-based in SQL (one GROUP BY per
 * dimension for the days, months from the days: a minute for a million rows where one upsert
 * per outcome and dimension takes several),
 * hot words and public comments row by row over public commented ratings only.
 */
export function backfillDashboard(db: SqliteDb): void {
  const [daily, monthly] = COUNT_TABLES;
  for (const [dim, key, label] of DIMENSION_COLUMNS) {
    db.prepare(
      `INSERT INTO dashboard_daily (hall_code, dim, day, key, label, total, l1, l2, l3, l4, l5, unrated, declined)
       SELECT hall_code, @dim, ${daily.ofRatedAt()} AS period, ${key}, MAX(${label()}), COUNT(*),
              SUM(outcome = 'rated' AND level = 1), SUM(outcome = 'rated' AND level = 2), SUM(outcome = 'rated' AND level = 3),
              SUM(outcome = 'rated' AND level = 4), SUM(outcome = 'rated' AND level = 5),
              SUM(outcome = 'unrated'), SUM(outcome = 'declined')
         FROM outcomes WHERE true GROUP BY hall_code, period, ${key}
       ON CONFLICT (hall_code, dim, day, key) DO UPDATE SET
         label = excluded.label, total = excluded.total, l1 = excluded.l1, l2 = excluded.l2, l3 = excluded.l3, l4 = excluded.l4,
         l5 = excluded.l5, unrated = excluded.unrated, declined = excluded.declined`,
    ).run({ dim });
    db.prepare(
      `INSERT INTO dashboard_daily (hall_code, dim, day, key, label, f_opened, f_closed, f_closed_late)
       SELECT o.hall_code, @dim, ${daily.ofRatedAt('o.')} AS period, o.${key}, MAX(${label('o.')}), COUNT(*), SUM(${CLOSED('f')}), SUM(${CLOSED_LATE('f')})
         FROM followups f JOIN outcomes o ON o.id = f.outcome_id GROUP BY o.hall_code, period, o.${key}
       ON CONFLICT (hall_code, dim, day, key) DO UPDATE SET
         f_opened = excluded.f_opened, f_closed = excluded.f_closed, f_closed_late = excluded.f_closed_late`,
    ).run({ dim });
  }
  // Months are the sum of their days: a pass over the daily rows, not over the outcomes again.
  db.exec(
    `INSERT INTO ${monthly.table} (hall_code, dim, month, key, label, total, l1, l2, l3, l4, l5, unrated, declined, f_opened, f_closed, f_closed_late)
     SELECT hall_code, dim, substr(day, 1, 7) AS month, key, MAX(label), SUM(total), SUM(l1), SUM(l2), SUM(l3), SUM(l4), SUM(l5),
            SUM(unrated), SUM(declined), SUM(f_opened), SUM(f_closed), SUM(f_closed_late)
       FROM ${daily.table} WHERE true GROUP BY hall_code, dim, month, key
     ON CONFLICT (hall_code, dim, month, key) DO UPDATE SET
       label = excluded.label, total = excluded.total, l1 = excluded.l1, l2 = excluded.l2, l3 = excluded.l3, l4 = excluded.l4, l5 = excluded.l5,
       unrated = excluded.unrated, declined = excluded.declined, f_opened = excluded.f_opened, f_closed = excluded.f_closed, f_closed_late = excluded.f_closed_late`,
  );
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

/**
 * Takes the outcomes `where` selects (an SQL condition on outcomes) out of the dashboard, as the
 * ingest tally put them in: their counts per dimension, day and month, their public comments and
 * the hot words of those comments. Follow-ups are not touched here (their triggers keep their
 * own figures when they are removed).
 */
export function uncountOutcomes(db: SqliteDb, where: string): void {
  for (const { table, period, ofRatedAt } of COUNT_TABLES) {
    for (const [dim, key, label] of DIMENSION_COLUMNS) {
      db.prepare(
        `INSERT INTO ${table} (hall_code, dim, ${period}, key, label, total, l1, l2, l3, l4, l5, unrated, declined)
         SELECT hall_code, @dim, ${ofRatedAt()} AS at, ${key}, MAX(${label()}), -COUNT(*),
                -SUM(outcome = 'rated' AND level = 1), -SUM(outcome = 'rated' AND level = 2), -SUM(outcome = 'rated' AND level = 3),
                -SUM(outcome = 'rated' AND level = 4), -SUM(outcome = 'rated' AND level = 5),
                -SUM(outcome IN ('unrated', 'expired')), -SUM(outcome = 'declined')
           FROM outcomes WHERE ${where} GROUP BY hall_code, at, ${key}
         ON CONFLICT (hall_code, dim, ${period}, key) DO UPDATE SET
           total = total + excluded.total, l1 = l1 + excluded.l1, l2 = l2 + excluded.l2, l3 = l3 + excluded.l3, l4 = l4 + excluded.l4,
           l5 = l5 + excluded.l5, unrated = unrated + excluded.unrated, declined = declined + excluded.declined`,
      ).run({ dim });
    }
  }
  const lessWord = db.prepare('UPDATE dashboard_words SET n = n - 1 WHERE hall_code = ? AND polarity = ? AND day = ? AND word = ?');
  const dropComment = db.prepare('DELETE FROM dashboard_comments WHERE outcome_id = ?');
  const comments = db.prepare<[], { outcome_id: string; hall_code: string; rated_at: string; polarity: string; comment: string }>(
    `SELECT c.outcome_id, c.hall_code, c.rated_at, c.polarity, c.comment FROM dashboard_comments c JOIN outcomes ON outcomes.id = c.outcome_id WHERE ${where}`,
  );
  for (const c of comments.all()) {
    for (const word of commentWords(c.comment)) lessWord.run(c.hall_code, c.polarity, c.rated_at.slice(0, 10), word);
    dropComment.run(c.outcome_id);
  }
  db.exec('DELETE FROM dashboard_words WHERE n <= 0');
}
