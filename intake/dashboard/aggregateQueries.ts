import type {
  AggregateResponse,
  AggregateRow,
  DashboardBucket,
  DashboardDimension,
  DashboardQuery,
  FollowupStats,
  HotWord,
  HotWordsResponse,
  PublicComment,
  PublicDisplayResponse,
  PublicRow,
} from '../../contract/dashboard';
import type { IntakeDb } from '../database';
import type { Polarity } from './hotWords';
import { redactPhones } from './redactPhones';

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

/** The outcomes column that holds each dimension's key (for the follow-up join). */
const OUTCOME_KEY: Record<DashboardDimension, string> = {
  hall: 'o.hall_code',
  dept: 'o.dept_name',
  window: 'o.window_no',
  staff: 'o.staff_login',
  item: 'o.task_code',
};

interface CountRow {
  key: string;
  label: string;
  period: string;
  total: number;
  l1: number;
  l2: number;
  l3: number;
  l4: number;
  l5: number;
  unrated: number;
  declined: number;
}

interface FollowupRow {
  key: string;
  period: string;
  opened: number;
  closed: number;
  overdue: number;
  closedLate: number;
}

const NO_FOLLOWUPS: FollowupStats = { opened: 0, closed: 0, overdue: 0, closedLate: 0, completionRate: null };

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

function toRow(c: CountRow, f: FollowupRow | undefined): AggregateRow {
  const good = c.l3 + c.l4 + c.l5;
  const bad = c.l1 + c.l2;
  const rated = good + bad;
  return {
    key: c.key,
    label: c.label,
    period: c.period === '' ? null : c.period,
    total: c.total,
    rated,
    good,
    bad,
    unrated: c.unrated,
    declined: c.declined,
    levels: [c.l1, c.l2, c.l3, c.l4, c.l5],
    goodRate: ratio(good, rated),
    unratedShare: ratio(c.unrated + c.declined, c.total),
    followups: f
      ? { opened: f.opened, closed: f.closed, overdue: f.overdue, closedLate: f.closedLate, completionRate: ratio(f.closed, f.opened) }
      : NO_FOLLOWUPS,
  };
}

/**
 * The dashboard's read side: counts come from the daily pre-aggregation (dashboard_daily), the
 * follow-up figures from the followups table joined to the period's 差评 outcomes (a partial
 * index keeps that to the bad ones), hot words from dashboard_words. Never reads bodies, so
 * phone numbers and non-public comments cannot leak through it.
 */
export function createDashboardQueries(db: IntakeDb, now: () => number = Date.now) {
  const statements = new Map<string, ReturnType<IntakeDb['prepare']>>();
  const cached = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };

  const countsSql = (bucket: DashboardBucket) =>
    `SELECT key, MAX(label) AS label, ${periodOf(bucket, 'day')} AS period, SUM(total) AS total,
            SUM(l1) AS l1, SUM(l2) AS l2, SUM(l3) AS l3, SUM(l4) AS l4, SUM(l5) AS l5, SUM(unrated) AS unrated, SUM(declined) AS declined
       FROM dashboard_daily
      WHERE hall_code = @hall AND dim = @by AND day BETWEEN @from AND @to
      GROUP BY key, period
      ORDER BY period, key`;

  const followupsSql = (by: DashboardDimension, bucket: DashboardBucket) =>
    `SELECT ${OUTCOME_KEY[by]} AS key, ${periodOf(bucket, 'substr(o.rated_at, 1, 10)')} AS period, COUNT(*) AS opened,
            SUM(f.closed_at IS NOT NULL) AS closed,
            SUM(f.closed_at IS NULL AND f.due_at < @now) AS overdue,
            SUM(f.closed_at IS NOT NULL AND f.closed_at > f.due_at) AS closedLate
       FROM outcomes o JOIN followups f ON f.outcome_id = o.id
      WHERE o.hall_code = @hall AND substr(o.rated_at, 1, 10) BETWEEN @from AND @to AND o.level <= 2
      GROUP BY key, period`;

  function aggregate(q: DashboardQuery): AggregateResponse {
    const params = { hall: q.hall, by: q.by, from: q.from, to: q.to };
    const counts = cached(countsSql(q.bucket)).all(params) as CountRow[];
    const followups = new Map(
      (cached(followupsSql(q.by, q.bucket)).all({ hall: q.hall, from: q.from, to: q.to, now: now() }) as FollowupRow[]).map((f) => [`${f.key}\u0000${f.period}`, f]),
    );
    return {
      hall: q.hall,
      from: q.from,
      to: q.to,
      by: q.by,
      bucket: q.bucket,
      rows: counts.map((c) => toRow(c, followups.get(`${c.key}\u0000${c.period}`))),
    };
  }

  const hotWordsSql = `SELECT word, SUM(n) AS count FROM dashboard_words
     WHERE hall_code = @hall AND polarity = @polarity AND day BETWEEN @from AND @to
     GROUP BY word ORDER BY count DESC, word LIMIT @limit`;
  function hotWords(q: { hall: string; from: string; to: string }, limit = 30): HotWordsResponse {
    const list = (polarity: Polarity) => cached(hotWordsSql).all({ ...q, polarity, limit }) as HotWord[];
    return { hall: q.hall, from: q.from, to: q.to, good: list('good'), bad: list('bad') };
  }

  const publicRow = (r: AggregateRow): PublicRow => ({
    key: r.key,
    label: r.label,
    total: r.total,
    rated: r.rated,
    good: r.good,
    bad: r.bad,
    goodRate: r.goodRate,
    unratedShare: r.unratedShare,
  });

  // rated_at starts with the local day, so the period is a range of the index (hall_code, rated_at).
  const commentsSql = `SELECT substr(rated_at, 1, 10) AS day, polarity, comment AS text FROM dashboard_comments
     WHERE hall_code = @hall AND rated_at BETWEEN @from AND @to || '~' ORDER BY rated_at DESC LIMIT @limit`;
  /** The period's latest public comments, phone-like numbers masked. */
  function publicComments(q: { hall: string; from: string; to: string }, limit = 12): PublicComment[] {
    return (cached(commentsSql).all({ ...q, limit }) as PublicComment[]).map((c) => ({ ...c, text: redactPhones(c.text) }));
  }

  /**
   * What a hall screen may show anyone: counts and rates by department and window, hot words
   * and the latest comments, both of public comments only.
   */
  function publicDisplay(q: { hall: string; from: string; to: string }): PublicDisplayResponse {
    const of = (by: DashboardDimension) => aggregate({ ...q, by, bucket: 'total' }).rows;
    const hall = of('hall')[0];
    const empty: PublicRow = { key: q.hall, label: q.hall, total: 0, rated: 0, good: 0, bad: 0, goodRate: null, unratedShare: null };
    const words = hotWords(q, 20);
    return {
      hall: q.hall,
      from: q.from,
      to: q.to,
      totals: hall ? publicRow(hall) : empty,
      followupCompletionRate: hall?.followups.completionRate ?? null,
      departments: of('dept').map(publicRow),
      windows: of('window').map(publicRow),
      hotWords: { good: words.good, bad: words.bad },
      comments: publicComments(q),
    };
  }

  return { aggregate, hotWords, publicComments, publicDisplay };
}
export type DashboardQueries = ReturnType<typeof createDashboardQueries>;
