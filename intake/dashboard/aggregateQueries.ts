import type {
  AggregateResponse,
  AggregateRow,
  DashboardDimension,
  DashboardQuery,
  FollowupStats,
  HotWord,
  HotWordsResponse,
  PublicComment,
  PublicDisplayResponse,
  PublicRow,
} from '../../contract/dashboard';
import type { CountRow, DashboardStore } from '../store/store';
import type { Polarity } from './hotWords';
import { redactPhones } from './redactPhones';

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
export function createDashboardQueries(dashboard: DashboardStore, now: () => number = Date.now) {
  async function aggregate(q: DashboardQuery): Promise<AggregateResponse> {
    const [counts, openNotDue] = await Promise.all([dashboard.counts(q), dashboard.openNotDue({ ...q, now: now() })]);
    // Overdue = opened − closed − still open but not yet due: no scan of the period's 差评.
    const notDue = new Map(openNotDue.map((f) => [`${f.key}\u0000${f.period}`, f.n]));
    return {
      hall: q.hall,
      from: q.from,
      to: q.to,
      by: q.by,
      bucket: q.bucket,
      rows: counts.map((c: CountRow) => toRow(c, notDue.get(`${c.key}\u0000${c.period}`) ?? 0)),
    };
  }

  async function hotWords(q: { hall: string; from: string; to: string }, limit = 30): Promise<HotWordsResponse> {
    const list = (polarity: Polarity): Promise<HotWord[]> => dashboard.hotWords({ ...q, polarity, limit });
    const [good, bad] = await Promise.all([list('good'), list('bad')]);
    return { hall: q.hall, from: q.from, to: q.to, good, bad };
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

  /** The period's latest public comments, phone-like numbers masked. */
  async function publicComments(q: { hall: string; from: string; to: string }, limit = 12): Promise<PublicComment[]> {
    return (await dashboard.comments({ ...q, limit })).map((c) => ({ ...c, text: redactPhones(c.text) }));
  }

  /**
   * What a hall screen may show anyone: counts and rates by department and window, hot words
   * and the latest comments, both of public comments only.
   */
  async function publicDisplay(q: { hall: string; from: string; to: string }): Promise<PublicDisplayResponse> {
    const of = async (by: DashboardDimension) => (await aggregate({ ...q, by, bucket: 'total' })).rows;
    const [[hall], departments, windows, words, comments] = await Promise.all([of('hall'), of('dept'), of('window'), hotWords(q, 20), publicComments(q)]);
    const empty: PublicRow = { key: q.hall, label: q.hall, total: 0, rated: 0, good: 0, bad: 0, goodRate: null, unratedShare: null };
    return {
      hall: q.hall,
      from: q.from,
      to: q.to,
      totals: hall ? publicRow(hall) : empty,
      followupCompletionRate: hall?.followups.completionRate ?? null,
      departments: departments.map(publicRow),
      windows: windows.map(publicRow),
      hotWords: { good: words.good, bad: words.bad },
      comments,
    };
  }

  return { aggregate, hotWords, publicComments, publicDisplay };
}
export type DashboardQueries = ReturnType<typeof createDashboardQueries>;
