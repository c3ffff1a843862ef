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
  TicketFigures,
} from '../../contract/dashboard';
import type { CountRow, DashboardStore, TicketCounts } from '../store/store';
import type { Polarity } from './hotWords';
import { redactPhones } from './redactPhones';

const NO_FOLLOWUPS: FollowupStats = { opened: 0, closed: 0, overdue: 0, closedLate: 0, completionRate: null };

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

function toRow(c: CountRow, openNotDue: number, excluded: { l1: number; l2: number } = { l1: 0, l2: 0 }): AggregateRow {
  const good = c.l3 + c.l4 + c.l5;
  // A 差评 excluded after an upheld appeal stays in the total and its level, and out of the rate.
  const bad = c.l1 - excluded.l1 + c.l2 - excluded.l2;
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
    excludedAfterAppeal: excluded.l1 + excluded.l2,
  };
}

/** The tickets' figures from their counts: 整改完成率, 按期整改率, 回访满意率 and the appeals. */
export function ticketFigures(c: TicketCounts): TicketFigures {
  return {
    opened: c.opened,
    rectifying: c.rectifying,
    rectified: c.rectified,
    rectifiedOnTime: c.rectifiedOnTime,
    completionRate: ratio(c.rectified, c.rectifying),
    onTimeRate: ratio(c.rectifiedOnTime, c.rectified),
    revisited: c.revisited,
    satisfied: c.satisfied,
    satisfactionRate: ratio(c.satisfied, c.revisited),
    appeals: { filed: c.appealsFiled, upheld: c.appealsUpheld, rejected: c.appealsRejected, pending: c.appealsFiled - c.appealsUpheld - c.appealsRejected },
  };
}

/** The instants a period of the hall's local days (Beijing time) begins and ends. */
const periodMs = (from: string, to: string) => ({ fromMs: Date.parse(`${from}T00:00:00.000+08:00`), toMs: Date.parse(`${to}T23:59:59.999+08:00`) });

/**
 * The dashboard's read side: counts and follow-up figures come from the pre-aggregated count
 * tables (dashboardRollup.ts), hot words from dashboard_words, public comments from
 * dashboard_comments. Never reads bodies, so phone numbers and non-public comments cannot leak
 * through it.
 */
export function createDashboardQueries(dashboard: DashboardStore, now: () => number = Date.now) {
  async function aggregate(q: DashboardQuery): Promise<AggregateResponse> {
    const [counts, openNotDue, excluded, tickets] = await Promise.all([
      dashboard.counts(q),
      dashboard.openNotDue({ ...q, now: now() }),
      dashboard.excludedAfterAppeal(q),
      dashboard.ticketCounts({ hall: q.hall, ...periodMs(q.from, q.to) }),
    ]);
    // Overdue = opened − closed − still open but not yet due: no scan of the period's 差评.
    const notDue = new Map(openNotDue.map((f) => [`${f.key}\u0000${f.period}`, f.n]));
    const excludedOf = new Map(excluded.map((e) => [`${e.key}\u0000${e.period}`, e]));
    return {
      hall: q.hall,
      from: q.from,
      to: q.to,
      by: q.by,
      bucket: q.bucket,
      rows: counts.map((c: CountRow) => toRow(c, notDue.get(`${c.key}\u0000${c.period}`) ?? 0, excludedOf.get(`${c.key}\u0000${c.period}`))),
      tickets: ticketFigures(tickets),
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
    excludedAfterAppeal: r.excludedAfterAppeal,
  });

  /** The period's latest public comments, phone-like numbers masked. */
  async function publicComments(q: { hall: string; from: string; to: string }, limit = 12): Promise<PublicComment[]> {
    return (await dashboard.comments({ ...q, limit })).map((c) => ({ ...c, text: redactPhones(c.text) }));
  }

  /**
   * What a hall screen may show anyone: counts and rates by department and window, hot words
   * and the latest comments, both of public comments only.
   */
  /** The public display's figures from the dashboard store; the route adds the channel counts, which the phone store holds. */
  async function publicDisplay(q: { hall: string; from: string; to: string }): Promise<Omit<PublicDisplayResponse, 'channels'>> {
    const of = async (by: DashboardDimension) => aggregate({ ...q, by, bucket: 'total' });
    const [hallAggregate, departments, windows, words, comments, rectified] = await Promise.all([
      of('hall'),
      of('dept'),
      of('window'),
      hotWords(q, 20),
      publicComments(q),
      dashboard.publicRectifications({ ...q, limit: 12 }),
    ]);
    const [hall] = hallAggregate.rows;
    const empty: PublicRow = { key: q.hall, label: q.hall, total: 0, rated: 0, good: 0, bad: 0, goodRate: null, unratedShare: null, excludedAfterAppeal: 0 };
    return {
      hall: q.hall,
      from: q.from,
      to: q.to,
      totals: hall ? publicRow(hall) : empty,
      followupCompletionRate: hall?.followups.completionRate ?? null,
      departments: departments.rows.map(publicRow),
      windows: windows.rows.map(publicRow),
      hotWords: { good: words.good, bad: words.bad },
      comments,
      tickets: hallAggregate.tickets,
      // What was done about public 差评: the result as the department wrote it, phone-like numbers masked; never who.
      rectifications: rectified.map((r) => ({ ...r, result: redactPhones(r.result) })),
    };
  }

  return { aggregate, hotWords, publicComments, publicDisplay };
}
export type DashboardQueries = ReturnType<typeof createDashboardQueries>;
