import type { AnomalyPolicy } from '../../contract/hallConfig';
import type { AnomalyFlag, OutcomeKind } from '../../contract/outcome';

export interface FlagFacts {
  outcome: OutcomeKind;
  inviteToPressMs: number | null;
  /** When the staff member now paired with the device logged in; null when nobody is paired. */
  staffPairedAtMs: number | null;
  /** Login name of the staff member signed in at the window; null when nobody is. */
  pairedLoginName: string | null;
  /** Login name of the staff member the case event names. */
  invitedLoginName: string;
  /** This device already has an outcome for the same case and event. */
  caseRatedBefore: boolean;
  /** The rating began without a case invitation. */
  free: boolean;
  /** When this device's earlier rated outcomes were made (epoch ms, any order). */
  recentRatedAtMs: readonly number[];
  nowMs: number;
  /** Minutes from now to the local end of the shift (negative once it has passed). */
  minutesToShiftEnd: number;
  policy: AnomalyPolicy;
}

/**
 * The flags an outcome carries when it is written. A flag is a note for the people who review
 * ratings, never a filter: every flagged outcome is still recorded and synced.
 */
export function anomalyFlags(facts: FlagFacts): AnomalyFlag[] {
  const { policy } = facts;
  const flags: AnomalyFlag[] = [];
  const rated = facts.outcome === 'rated';
  if (rated && facts.inviteToPressMs !== null && facts.inviteToPressMs < policy.fastPressMs) flags.push('fast-press');
  if (facts.staffPairedAtMs === null) flags.push('unpaired');
  if (facts.caseRatedBefore) flags.push('same-case-again');
  if (facts.free) flags.push('free-rating');
  // Someone else's case credited while a colleague is signed in is how ratings get moved between staff.
  if (facts.pairedLoginName !== null && facts.pairedLoginName !== facts.invitedLoginName) flags.push('staff-mismatch');
  if (rated && inRun(facts)) {
    if (facts.staffPairedAtMs !== null && facts.nowMs - facts.staffPairedAtMs <= policy.afterLoginMin * 60_000) flags.push('burst-after-login');
    if (facts.minutesToShiftEnd >= 0 && facts.minutesToShiftEnd <= policy.beforeShiftEndMin) flags.push('burst-at-shift-end');
  }
  return flags;
}

function inRun({ recentRatedAtMs, nowMs, policy }: FlagFacts): boolean {
  const since = nowMs - policy.burstWindowSec * 1000;
  const earlier = recentRatedAtMs.filter((at) => at >= since && at <= nowMs).length;
  return earlier + 1 >= policy.burstCount;
}

/** Minutes from a local wall-clock time to today's HH:MM, in the device's time zone. */
export function minutesUntil(hhmm: string, nowMs: number): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const now = new Date(nowMs);
  const end = new Date(now);
  end.setHours(h, m, 0, 0);
  return (end.getTime() - now.getTime()) / 60_000;
}
