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
import { splitPeriod } from './splitPeriod';

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

/** The outcomes column that holds each dimension's key (for the open follow-ups not yet due). */
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
  opened: number;
  closed: number;
  closedLate: number;
}

const COUNT_COLUMNS = 'total, l1, l2, l3, l4, l5, unrated, declined, f_opened, f_closed, f_closed_late';

const NO_FOLLOWUPS: FollowupStats = { opened: 0, closed: 0, overdue: 0, closedLate: 0, completionRate: null };

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

function toRow(c: CountRow, openNotDue: number): AggregateRow {
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
    followups:
      c.opened === 0
        ? NO_FOLLOWUPS
        : { opened: c.opened, closed: c.closed, overdue: c.opened - c.closed - openNotDue, closedLate: c.closedLate, completionRate: ratio(c.closed, c.opened) },
  };
}

/**
 * The dashboard's read side: counts and follow-up figures come from the pre-aggregated count
 * tables (dashboardRollup.ts), hot words from dashboard_words, public comments from
 * dashboard_comments. Never reads bodies, so phone numbers and non-public comments cannot leak
 * through it.
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

  // Day and week buckets read the daily table; total and month read whole months from the
  // monthly table and only the ragged edges of the period from the daily one.
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
              FROM (${source}) GROUP BY key, period ORDER BY period, key`;
  };

  // Overdue = opened − closed − still open but not yet due; the last are few (the followups_open
  // index finds them), so "overdue as of now" needs no scan of the period's 差评.
  const openNotDueSql = (by: DashboardDimension, bucket: DashboardBucket) =>
    `SELECT ${OUTCOME_KEY[by]} AS key, ${periodOf(bucket, 'substr(o.rated_at, 1, 10)')} AS period, COUNT(*) AS n
       FROM followups f JOIN outcomes o ON o.id = f.outcome_id
      WHERE f.closed_at IS NULL AND f.due_at >= @now AND o.hall_code = @hall AND substr(o.rated_at, 1, 10) BETWEEN @from AND @to
      GROUP BY key, period`;

  function aggregate(q: DashboardQuery): AggregateResponse {
    const counts = cached(countsSql(q.bucket)).all({ hall: q.hall, by: q.by, from: q.from, to: q.to, ...splitPeriod(q.from, q.to) }) as CountRow[];
    const notDue = new Map(
      (cached(openNotDueSql(q.by, q.bucket)).all({ hall: q.hall, from: q.from, to: q.to, now: now() }) as Array<{ key: string; period: string; n: number }>).map((f) => [
        `${f.key}\u0000${f.period}`,
        f.n,
      ]),
    );
    return {
      hall: q.hall,
      from: q.from,
      to: q.to,
      by: q.by,
      bucket: q.bucket,
      rows: counts.map((c) => toRow(c, notDue.get(`${c.key}\u0000${c.period}`) ?? 0)),
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
