import type { MergeState } from '../ingest/mergeRules';
import type { IntakeData } from '../store/store';
import { transition } from './forwardState';

/**
 * How long a stored rating waits before its first send: the citizen may still add details (tags,
 * a comment) on the details screen, up to its longest timeout (detailsTimeoutSec ≤ 600 s in
 * contract/hallConfig.ts), and the device sends them in a later batch. A province takes one rating
 * per case stage and has no call to amend one, so the record goes once, with its details.
 */
export const DETAILS_SETTLE_MS = 15 * 60_000;

/**
 * Called in the transaction that stores a record (ingest/batchIngest.ts): a record that counts as
 * a rating (merge state `rating`: a press, or an unrated / declined ending) is queued for every
 * destination of its hall. Amendments, second endings, orphans and untrusted records are not
 * ratings of their own: details reach the province inside the rating they amend, read at send
 * time (ForwardingStore.due).
 */
export async function queueStoredRating(tx: IntakeData, merge: MergeState, outcomeId: string, hallCode: string, storedAt: number, settleMs = DETAILS_SETTLE_MS): Promise<void> {
  if (merge !== 'rating') return;
  await tx.forwarding.enqueue(outcomeId, hallCode, storedAt, storedAt + settleMs);
}

/**
 * Called in the transaction that stores a counted phone rating (issue 24, phone/phoneRatings.ts):
 * complete when stored (no details follow), it is queued at once for every destination of its
 * hall. A case stage goes to a province once: where the rating supersedes a device's ending
 * (unrated, declined), the ending's records not yet sent are refused before sending, naming the
 * phone rating sent in its place; where the ending already went (a default rating the province
 * required) or is being sent, the phone rating's own record for that destination is refused instead.
 */
export async function queuePhoneRating(tx: IntakeData, phoneRatingId: string, hallCode: string, storedAt: number, supersedes: string | null): Promise<void> {
  await tx.forwarding.enqueue(phoneRatingId, hallCode, storedAt, storedAt);
  if (supersedes === null) return;
  for (const destination of await tx.forwarding.destinations()) {
    const [ending, own] = await Promise.all([tx.forwarding.get(supersedes, destination), tx.forwarding.get(phoneRatingId, destination)]);
    if (!ending || !own || ending.state === 'refused') continue;
    const [settled, reason] =
      ending.state === 'pending'
        ? [ending, `superseded by the citizen's phone rating ${phoneRatingId} of the same case stage, sent in its place`]
        : [own, `the case stage already went to ${destination} as ${ending.outcomeId} (${ending.state}): a province takes one rating per case stage`];
    await tx.forwarding.save(settled, transition(settled, { type: 'refuse-before-sending', at: storedAt, reason }));
  }
}
