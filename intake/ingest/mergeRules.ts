import type { Outcome } from '../../contract/outcome';

/**
 * What a stored record is to the merged view (one rating per invitation):
 * `rating` — an invitation's ending in force (a press, or unrated / declined): it counts;
 * `withdrawn` — a press the citizen withdrew (撤销 / 返回): kept, not counted;
 * `second` — another ending for an invitation that already has one in force: kept, not counted;
 * `amendment` — details, confirm or withdrawal of a rating in force;
 * `orphan` — an amendment of nothing this intake holds in force: kept, not merged;
 * `untrusted` — a record that arrived untrusted (its device forked, broke its chain or was
 * flagged): kept and shown in the integrity report, not in force — not counted, exported,
 * merged or followed up — until a person clears it (ingest/readmission.ts).
 */
export type MergeState = 'rating' | 'withdrawn' | 'second' | 'amendment' | 'orphan' | 'untrusted';

/** A stored record as the merge rules need to see it. */
export interface MergeView {
  id: string;
  deviceId: string;
  invitationId: string;
  outcome: Outcome['outcome'];
  level: number | null;
  merge: MergeState;
  amendsId: string | null;
}

/**
 * What the facts about a new record are, read from the store before it is written; `trusted`
 * is the chain audit's word on the record and its device.
 */
export type MergeFacts = { trusted: boolean } & (
  | { record: Outcome; kind: 'ending'; inForce: MergeView | undefined }
  | { record: Outcome; kind: 'amendment'; press: MergeView | undefined; sameKindInForce: boolean }
);

export type MergeDecision = {
  merge: MergeState;
  /** What consumers must do: count a new rating, take a withdrawn press out, merge details, or nothing. */
  effect: 'count' | 'withdraw' | 'details' | 'none';
  /** An integrity finding to record, never a reason to refuse the record. */
  finding?: { kind: 'second_rating' | 'orphan_amendment'; detail: string };
};

/**
 * The merge rules: one rating per invitation — its press (or unrated / declined), with the
 * details when they arrive, withdrawn when withdrawn. Anything that does not fit is kept and
 * named, never merged silently.
 */
export function decideMerge(facts: MergeFacts): MergeDecision {
  const { record } = facts;
  // Nothing untrusted is in force: it changes no count, export, hot word or follow-up (the
  // chain audit has recorded why it is untrusted).
  if (!facts.trusted) return { merge: 'untrusted', effect: 'none' };
  if (facts.kind === 'ending') {
    if (facts.inForce) {
      return {
        merge: 'second',
        effect: 'none',
        finding: { kind: 'second_rating', detail: `invitation ${record.invitationId} already has ${facts.inForce.id} in force; this ${record.outcome} is kept, not counted` },
      };
    }
    return { merge: 'rating', effect: 'count' };
  }
  const amends = record.amends;
  if (!amends) throw new Error('an amendment without amends');
  const { press } = facts;
  const orphan = (why: string): MergeDecision => ({ merge: 'orphan', effect: 'none', finding: { kind: 'orphan_amendment', detail: `${amends.kind} of ${amends.outcomeId}: ${why}` } });
  if (!press) return orphan('no such press of this device is stored');
  if (press.deviceId !== record.deviceId || press.invitationId !== record.invitationId) return orphan('the press belongs to another device or invitation');
  if (press.amendsId !== null || press.outcome !== 'rated' || press.level !== (record.level ?? null)) return orphan('it is not a rated press of the same level');
  if (press.merge !== 'rating') return orphan(`the press is ${press.merge}, not in force`);
  if (facts.sameKindInForce) return orphan(`the press already has a ${amends.kind}`);
  switch (amends.kind) {
    case 'withdrawal':
      return { merge: 'amendment', effect: 'withdraw' };
    case 'details':
      return { merge: 'amendment', effect: 'details' };
    case 'confirm':
      return { merge: 'amendment', effect: 'none' };
  }
}

/** The rating as consumers read it: the press with the details the citizen gave after it. */
export function mergedRating(press: Outcome, details: Outcome | undefined): Outcome {
  if (!details) return press;
  const { comment: _comment, ...rest } = press;
  return { ...rest, tags: details.tags, ...(details.comment !== undefined ? { comment: details.comment } : {}), public: details.public, callback: details.callback };
}
