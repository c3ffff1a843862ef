import type { Outcome } from '../../contract/outcome';
import type { createDashboardTally } from '../dashboard/dashboardTally';
import type { Followups } from '../followups/followups';
import { readStoredOutcome } from '../integrity/storedOutcome';
import type { IntakeData, OutcomeStore, PhoneStore } from '../store/store';
import { decideMerge, mergedRating, type MergeDecision } from './mergeRules';

/**
 * A device's ending of a case stage the citizen already rated on the phone: stored as a second
 * rating of the stage (kept, not counted, exported or forwarded; its details and withdrawal merge
 * into nothing), with an integrity note naming the phone rating that counts.
 */
function afterPhoneRating(outcome: Outcome, phoneRatingId: string): MergeDecision {
  const what = outcome.outcome === 'rated' ? `press (level ${outcome.level ?? '?'})` : `${outcome.outcome} ending`;
  return {
    merge: 'second',
    effect: 'none',
    finding: { kind: 'second_rating', detail: `case ${outcome.case.projectNo} (${outcome.event}) was rated on the phone first (${phoneRatingId}); this ${what} is kept, not counted` },
  };
}

export type DashboardTally = ReturnType<typeof createDashboardTally>;

/** What a merge decision reads: the store, a transaction, or a batch's facts read at once (batchFacts.ts). */
export interface MergeReads {
  outcomes: Pick<OutcomeStore, 'ratingInForce' | 'mergeView' | 'hasAmendment'>;
  phone: Pick<PhoneStore, 'phoneRatingsOfStage'>;
}

/**
 * Where the merge rules meet the store, for ingest and for a record a person readmits: the facts
 * a decision needs, read in the transaction that acts on it, and what a decision changes for the
 * consumers of the merged view (counts, hot words, follow-ups).
 */
export function createMergeApplication(followups: Followups) {
  return {
    /** The merge rules' decision on a record, from what `tx` holds now. */
    async decide(tx: MergeReads, outcome: Outcome, trusted: boolean): Promise<MergeDecision> {
      if (!outcome.amends) {
        const decision = decideMerge({ trusted, record: outcome, kind: 'ending', inForce: await tx.outcomes.ratingInForce(outcome.deviceId, outcome.invitationId) });
        if (decision.merge !== 'rating') return decision;
        // One rating per case stage across channels (issue 24): the device was offline when the
        // citizen rated the stage on the phone. Its ending, a press included, is kept and named, not counted again.
        const phone = await tx.phone.phoneRatingsOfStage(outcome.window.hallCode, outcome.case.projectNo, outcome.event);
        return phone[0] === undefined ? decision : afterPhoneRating(outcome, phone[0]);
      }
      const [press, sameKindInForce] = await Promise.all([tx.outcomes.mergeView(outcome.amends.outcomeId), tx.outcomes.hasAmendment(outcome.amends.outcomeId, outcome.amends.kind)]);
      return decideMerge({ trusted, record: outcome, kind: 'amendment', press, sameKindInForce });
    },

    /** What a record in force changes for the consumers of the merged view: counts, follow-ups, hot words. */
    async apply(tx: IntakeData, dashboard: DashboardTally, decision: MergeDecision, outcome: Outcome, receivedAt: number): Promise<void> {
      if (decision.effect === 'count') {
        dashboard.count(outcome, await followups.openFor(tx, outcome, receivedAt));
        dashboard.comment(outcome);
        return;
      }
      if (decision.effect === 'none' || !outcome.amends) return;
      const pressId = outcome.amends.outcomeId;
      const stored = readStoredOutcome((await tx.outcomes.body(pressId)) ?? '');
      if (!stored.ok) throw new Error(`the press ${pressId} does not read back`);
      if (decision.effect === 'details') {
        dashboard.comment(mergedRating(stored.outcome, outcome));
        await followups.onDetails(tx, pressId, outcome);
        return;
      }
      // Withdrawn: the press leaves the counts. Counts written so far go first, so that removing
      // its follow-up (whose trigger takes the follow-up out of the same counts) meets them.
      await tx.outcomes.setMerge(pressId, 'withdrawn');
      await dashboard.flush(tx.dashboard);
      await followups.onWithdrawn(tx, pressId);
      dashboard.count(stored.outcome, false, -1);
    },
  };
}
