import { splitPeriod } from '../../dashboard/splitPeriod';
import type { DashboardBucket, DashboardDimension } from '../../../contract/dashboard';
import type { CountRow, DashboardStore, TicketCounts } from '../store';
import { OUTCOME_KEY_COLUMN, RATING_TABLES, type RatingTable } from '../storeRows';
import { COUNT_TABLES } from './dashboardSql';
import type { SqliteDb } from './sqliteDb';

/** The period a local day (SQL expression) falls in; week = ISO week named by its Monday. */
function periodOf(bucket: DashboardBucket, day: string): string {
  switch (bucket) {
    case 'total':
      return `''`;
    case 'day':
      return day;
    case 'week':
      return `date(${day}, '-6 days', 'weekday 1')`;
    case 'month':
      return `substr(${day}, 1, 7)`;
  }
}

const COUNT_COLUMNS = 'total, l1, l2, l3, l4, l5, unrated, declined, f_opened, f_closed, f_closed_late';

/**
 * The dashboard tables on SQLite: counts written by ingest's tally (and by the follow-up triggers),
 * read back summed per key and bucket. Day and week buckets read the daily table; total and month
 * read whole months from the monthly table and only the ragged edges of the period from the daily one.
 */
export function sqliteDashboard(db: SqliteDb): DashboardStore {
  const upserts = COUNT_TABLES.map(({ table, period }) =>
    db.prepare(
      `INSERT INTO ${table} (hall_code, dim, ${period}, key, label, total, l1, l2, l3, l4, l5, unrated, declined, f_opened)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (hall_code, dim, ${period}, key) DO UPDATE SET
         label = excluded.label, total = total + excluded.total, l1 = l1 + excluded.l1, l2 = l2 + excluded.l2, l3 = l3 + excluded.l3,
         l4 = l4 + excluded.l4, l5 = l5 + excluded.l5, unrated = unrated + excluded.unrated, declined = declined + excluded.declined,
         f_opened = f_opened + excluded.f_opened`,
    ),
  );
  const upsertWord = db.prepare(
    `INSERT INTO dashboard_words (hall_code, polarity, day, word, n) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (hall_code, polarity, day, word) DO UPDATE SET n = n + excluded.n`,
  );
  const addComment = db.prepare('INSERT OR IGNORE INTO dashboard_comments (outcome_id, hall_code, rated_at, polarity, comment) VALUES (?, ?, ?, ?, ?)');

  const statements = new Map<string, ReturnType<SqliteDb['prepare']>>();
  const cached = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };

  const countsSql = (bucket: DashboardBucket) => {
    const daily = (from: string, to: string) =>
      `SELECT key, label, ${periodOf(bucket, 'day')} AS period, ${COUNT_COLUMNS} FROM dashboard_daily
        WHERE hall_code = @hall AND dim = @by AND day BETWEEN ${from} AND ${to}`;
    const source =
      bucket === 'day' || bucket === 'week'
        ? daily('@from', '@to')
        : `${daily('@headFrom', '@headTo')} UNION ALL ${daily('@tailFrom', '@tailTo')} UNION ALL
           SELECT key, label, ${bucket === 'month' ? 'month' : `''`} AS period, ${COUNT_COLUMNS} FROM dashboard_monthly
            WHERE hall_code = @hall AND dim = @by AND month BETWEEN @monthFrom AND @monthTo`;
    return `SELECT key, MAX(label) AS label, period, SUM(total) AS total, SUM(l1) AS l1, SUM(l2) AS l2, SUM(l3) AS l3, SUM(l4) AS l4, SUM(l5) AS l5,
                   SUM(unrated) AS unrated, SUM(declined) AS declined, SUM(f_opened) AS opened, SUM(f_closed) AS closed, SUM(f_closed_late) AS closedLate
              FROM (${source}) GROUP BY key, period HAVING SUM(total) > 0 ORDER BY period, key`;
  };

  // One part per table a rating is in (a device's outcome or a phone rating, both aliased `o`),
  // summed per key and period.
  const overRatings = (part: (ratings: RatingTable) => string, sums: string) =>
    `SELECT key, period, ${sums} FROM (${RATING_TABLES.map(part).join(' UNION ALL ')}) GROUP BY key, period`;

  // The still-open, not-yet-due follow-ups are few (the followups_open index finds them). CROSS JOIN
  // keeps SQLite's planner from starting at the hall's outcomes (an index on outcomes (hall_code, …)
  // since migration 20 tempts it): a scan of every outcome of the hall, 200 ms at 100,000.
  const openNotDueSql = (by: DashboardDimension, bucket: DashboardBucket) =>
    overRatings(
      (ratings) => `SELECT ${OUTCOME_KEY_COLUMN[by]} AS key, ${periodOf(bucket, 'substr(o.rated_at, 1, 10)')} AS period, COUNT(*) AS n
         FROM followups f CROSS JOIN ${ratings} o ON o.id = f.outcome_id
        WHERE f.closed_at IS NULL AND f.due_at >= @now AND o.hall_code = @hall AND substr(o.rated_at, 1, 10) BETWEEN @from AND @to AND ${OUTCOME_KEY_COLUMN[by]} IS NOT NULL
        GROUP BY key, period`,
      'SUM(n) AS n',
    );

  const hotWordsSql = `SELECT word, SUM(n) AS count FROM dashboard_words
     WHERE hall_code = @hall AND polarity = @polarity AND day BETWEEN @from AND @to
     GROUP BY word ORDER BY count DESC, word LIMIT @limit`;

  // rated_at starts with the local day, so the period is a range of the index (hall_code, rated_at).
  const commentsSql = `SELECT substr(rated_at, 1, 10) AS day, polarity, comment AS text FROM dashboard_comments
     WHERE hall_code = @hall AND rated_at BETWEEN @from AND @to || '~' ORDER BY rated_at DESC LIMIT @limit`;

  // 差评 excluded after an appeal are few: the tickets that say so, with their rating (issue 23), a
  // device's press or a phone rating; CROSS JOIN starts from them (see openNotDueSql).
  const excludedSql = (by: DashboardDimension, bucket: DashboardBucket) =>
    overRatings(
      (ratings) => `SELECT ${OUTCOME_KEY_COLUMN[by]} AS key, ${periodOf(bucket, 'substr(o.rated_at, 1, 10)')} AS period, SUM(o.level = 1) AS l1, SUM(o.level = 2) AS l2
         FROM tickets t CROSS JOIN ${ratings} o ON o.id = t.outcome_id
        WHERE t.excluded = 1 AND o.hall_code = @hall AND substr(o.rated_at, 1, 10) BETWEEN @from AND @to AND ${OUTCOME_KEY_COLUMN[by]} IS NOT NULL
        GROUP BY key, period`,
      'SUM(l1) AS l1, SUM(l2) AS l2',
    );

  // Read from the machine's state as stored (intake/tickets/ticketMachine.ts Ticket); booleans are 1/0 in SQLite's JSON.
  // Prepared when first asked (cached): a store opened on a database migrated before the tickets table stays usable.
  const ticketCountsSql =
    `SELECT COUNT(*) AS opened,
            COALESCE(SUM(json_extract(state, '$.rectification') IS NOT NULL), 0) AS rectifying,
            COALESCE(SUM(json_extract(state, '$.rectification.doneAt') IS NOT NULL), 0) AS rectified,
            COALESCE(SUM(json_extract(state, '$.rectification.onTime') = 1), 0) AS rectifiedOnTime,
            COALESCE(SUM(json_extract(state, '$.feedback.satisfaction') IS NOT NULL), 0) AS revisited,
            COALESCE(SUM(json_extract(state, '$.feedback.satisfaction') IN ('satisfied', 'basically_satisfied')), 0) AS satisfied,
            COALESCE(SUM(json_extract(state, '$.appeal') IS NOT NULL), 0) AS appealsFiled,
            COALESCE(SUM(json_extract(state, '$.appeal.decision.upheld') = 1), 0) AS appealsUpheld,
            COALESCE(SUM(json_extract(state, '$.appeal.decision.upheld') = 0), 0) AS appealsRejected
       FROM tickets WHERE hall_code = @hall AND opened_at BETWEEN @fromMs AND @toMs`;

  // Public: the citizen's choice in the details they gave after the press, else the rating's own
  // (a phone rating has no details). Its item: a press's case, a phone rating's task_name column.
  // The details are found by outcomes_amends, named: where ANALYZE saw few or no amendments, the
  // planner scanned every outcome for each rectified ticket (seconds a query at 100,000 outcomes).
  const rectificationsOf = (ratings: RatingTable) =>
    `SELECT substr(o.rated_at, 1, 10) AS day, t.department AS department,
            ${ratings === 'phone_ratings' ? 'o.task_name' : "json_extract(o.body, '$.case.taskName')"} AS item,
            json_extract(t.state, '$.rectification.note') AS result, json_extract(t.state, '$.rectification.doneAt') AS done_at
       FROM tickets t CROSS JOIN ${ratings} o ON o.id = t.outcome_id
      WHERE o.hall_code = @hall AND substr(o.rated_at, 1, 10) BETWEEN @from AND @to AND t.excluded = 0
        AND json_extract(t.state, '$.rectification.doneAt') IS NOT NULL
        AND ${
          ratings === 'phone_ratings'
            ? "json_extract(o.body, '$.public') = 1"
            : `COALESCE((SELECT json_extract(d.body, '$.public') FROM outcomes d INDEXED BY outcomes_amends WHERE d.amends_id = t.outcome_id AND d.amends_kind = 'details' AND d.merge = 'amendment'),
                     json_extract(o.body, '$.public')) = 1`
        }`;
  const publicRectificationsSql = `SELECT day, department, item, result FROM (${RATING_TABLES.map(rectificationsOf).join(' UNION ALL ')})
      ORDER BY done_at DESC LIMIT @limit`;

  return {
    async excludedAfterAppeal(q) {
      return cached(excludedSql(q.by, q.bucket)).all({ hall: q.hall, from: q.from, to: q.to }) as Array<{ key: string; period: string; l1: number; l2: number }>;
    },
    async ticketCounts(q) {
      return cached(ticketCountsSql).get(q) as TicketCounts;
    },
    async publicRectifications(q) {
      return cached(publicRectificationsSql).all(q) as Array<{ day: string; department: string | null; item: string | null; result: string }>;
    },
    async addCounts(increments) {
      for (const { period, hallCode, dim, at, key, label, counts } of increments) upserts[period === 'day' ? 0 : 1]!.run(hallCode, dim, at, key, label, ...counts);
    },
    async addWords(words) {
      for (const { hallCode, polarity, day, word, n } of words) upsertWord.run(hallCode, polarity, day, word, n);
    },
    async addComment(c) {
      addComment.run(c.outcomeId, c.hallCode, c.ratedAt, c.polarity, c.comment);
    },
    async counts(q) {
      return cached(countsSql(q.bucket)).all({ hall: q.hall, by: q.by, from: q.from, to: q.to, ...splitPeriod(q.from, q.to) }) as CountRow[];
    },
    async openNotDue(q) {
      return cached(openNotDueSql(q.by, q.bucket)).all({ hall: q.hall, from: q.from, to: q.to, now: q.now }) as Array<{ key: string; period: string; n: number }>;
    },
    async hotWords(q) {
      return cached(hotWordsSql).all(q) as Array<{ word: string; count: number }>;
    },
    async comments(q) {
      return cached(commentsSql).all(q) as Array<{ day: string; polarity: 'good' | 'bad'; text: string }>;
    },
  };
}
