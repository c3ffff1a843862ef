import type { OutcomeKind } from '../../contract/outcome';
import type { MergeState } from '../ingest/mergeRules';

/** A device's stored ending of the case stage (hall, case number, 受理 or 办结), as the rules see it. */
export interface DeviceEnding {
  id: string;
  outcome: OutcomeKind;
  merge: MergeState;
  receivedAt: number;
}

export type StageDecision =
  /** Store the phone rating; it counts, and `supersedes` (a device's unrated / declined / expired ending) no longer does. */
  | { ok: true; supersedes: DeviceEnding | null }
  /** The case stage already has a rating in force: nothing is stored. */
  | { ok: false; refusal: 'already-rated'; by: string };

/**
 * One rating per case stage across channels (issue 24, design §9): a phone rating is refused
 * when the stage already has a rating in force — a device's press or an earlier phone rating —
 * and supersedes a device's ending without a level (unrated, declined, expired). Records that
 * are not in force (withdrawn presses, second endings, amendments, untrusted records) decide nothing.
 */
export function decideStage(deviceEndings: readonly DeviceEnding[], phoneRatingIds: readonly string[]): StageDecision {
  const firstPhone = phoneRatingIds[0];
  if (firstPhone !== undefined) return { ok: false, refusal: 'already-rated', by: firstPhone };
  const inForce = deviceEndings.filter((e) => e.merge === 'rating');
  const rated = inForce.find((e) => e.outcome === 'rated');
  if (rated) return { ok: false, refusal: 'already-rated', by: rated.id };
  // The latest unrated ending of the stage is the one the citizen walked away from.
  const latest = [...inForce].sort((a, b) => b.receivedAt - a.receivedAt)[0];
  return { ok: true, supersedes: latest ?? null };
}
