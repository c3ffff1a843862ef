import type { MergeState } from '../ingest/mergeRules';
import type { IntakeData } from '../store/store';

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
