import type { Outcome } from '../../contract/outcome';
import type { DashboardDimension } from '../../contract/dashboard';
import type { CountIncrement, DashboardStore } from '../store/store';
import { commentWords, polarityOf } from './hotWords';

/** The hall's local calendar day of an ISO time with offset ("2026-11-22T23:30:00+08:00" → 2026-11-22). */
export function localDay(ratedAt: string): string {
  return ratedAt.slice(0, 10);
}

/** What the counts read of a rating: a device outcome, or a phone rating (intake/phone/), whose window rating names no staff. */
export type CountedRating = Pick<Outcome, 'ratedAt' | 'outcome' | 'level' | 'window'> & { case: Pick<Outcome['case'], 'deptName' | 'taskCode' | 'taskName'>; staff?: Outcome['staff'] };

function dimensionValues(o: CountedRating): Array<[DashboardDimension, string, string]> {
  return [
    ['hall', o.window.hallCode, o.window.hallCode],
    ['dept', o.case.deptName, o.case.deptName],
    ['window', o.window.windowNo, o.window.windowName],
    ...(o.staff ? [['staff', o.staff.loginName, o.staff.name] as [DashboardDimension, string, string]] : []),
    ['item', o.case.taskCode, o.case.taskName],
  ];
}

/**
 * A tally for one ingest transaction. A batch comes from one device: one window, mostly one
 * staff member and day. Summed here and written once per key by flush(), it costs a few
 * upserts instead of ten per outcome. A transaction that aborts simply drops its tally.
 */
export function createDashboardTally() {
  const pendingCounts = new Map<string, CountIncrement>();
  const pendingWords = new Map<string, { hallCode: string; polarity: 'good' | 'bad'; day: string; word: string; n: number }>();
  const comments: Array<Parameters<DashboardStore['addComment']>[0]> = [];
  return {
    /**
     * Counts one rating newly in force (never a duplicate: the caller counts each id once), and
     * the follow-up its ingest opened, if it did (written with counted_on_ingest set); with
     * `sign` -1, takes a withdrawn press out again.
     */
    count(o: CountedRating, followupOpened: boolean, sign: 1 | -1 = 1): void {
      const day = localDay(o.ratedAt);
      const level = o.outcome === 'rated' ? (o.level ?? 0) : 0;
      // Total, levels 1–5, unrated (an expired invitation was not rated either), declined, follow-ups opened.
      const counts = [1, level === 1, level === 2, level === 3, level === 4, level === 5, o.outcome === 'unrated' || o.outcome === 'expired', o.outcome === 'declined', followupOpened].map((n) => sign * Number(n));
      const periods = [
        ['day', day],
        ['month', day.slice(0, 7)],
      ] as const;
      for (const [dim, key, label] of dimensionValues(o)) {
        for (const [period, at] of periods) {
          const id = JSON.stringify([period, o.window.hallCode, dim, at, key]);
          const known = pendingCounts.get(id);
          if (known) {
            known.label = label;
            counts.forEach((n, i) => (known.counts[i]! += n));
          } else pendingCounts.set(id, { period, hallCode: o.window.hallCode, dim, at, key, label, counts: [...counts] });
        }
      }
    },
    /** Feeds a rating's comment to the hot words and the latest comments, where the citizen made it public. */
    comment(o: CountedRating & Pick<Outcome, 'id' | 'public' | 'comment'>): void {
      const day = localDay(o.ratedAt);
      const level = o.outcome === 'rated' ? (o.level ?? 0) : 0;
      // Only comments the citizen allowed to be public feed the hot words, for managers too.
      if (o.public && o.comment && level > 0) {
        const polarity = polarityOf(level);
        for (const word of commentWords(o.comment)) {
          const id = JSON.stringify([o.window.hallCode, polarity, day, word]);
          const known = pendingWords.get(id);
          if (known) known.n += 1;
          else pendingWords.set(id, { hallCode: o.window.hallCode, polarity, day, word, n: 1 });
        }
        comments.push({ outcomeId: o.id, hallCode: o.window.hallCode, ratedAt: o.ratedAt, polarity, comment: o.comment });
      }
    },
    /** Writes what was counted; call it in the same transaction as the outcomes it counts. */
    async flush(dashboard: DashboardStore): Promise<void> {
      await dashboard.addCounts([...pendingCounts.values()]);
      await dashboard.addWords([...pendingWords.values()]);
      for (const comment of comments) await dashboard.addComment(comment);
      pendingCounts.clear();
      pendingWords.clear();
      comments.length = 0;
    },
  };
}
