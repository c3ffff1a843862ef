import { createHash, type KeyObject } from 'node:crypto';
import type { ItemResult, LateFlag, LateFlagResult } from '../../contract/intakeApi';
import { OutcomeSchema, type Outcome } from '../../contract/outcome';
import { createDashboardTally } from '../dashboard/dashboardTally';
import type { Followups } from '../followups/followups';
import { DETAILS_SETTLE_MS } from '../forwarding/enqueue';
import { admitToChain, flagReason, isFlagging } from '../integrity/chainAudit';
import type { IntegrityEventKind } from '../integrity/integrityEvents';
import { chooseKey, loadKeys, noteSignedIn, withKeyIds, type KnownKey } from '../integrity/keyChoice';
import { verifyOutcome, type Verdict } from '../integrity/outcomeVerifier';
import { outcomeColumns } from '../integrity/storedOutcome';
import { NUL_MESSAGE, nulPaths } from '../../contract/nulText';
import type { IntakeStore, NewIntegrityEvent, NewOutcomeRow } from '../store/store';
import { batchFacts, queryOf } from './batchFacts';
import { createMergeApplication } from './mergeApplication';

export interface BatchIngestDeps {
  followups: Followups;
  now?: () => number;
  /** How long a stored rating waits for its details before it is forwarded to the province (forwarding/enqueue.ts). */
  forwardSettleMs?: number;
}

/** Who sent a batch: the signing device, its enrolled key, and the hall it belongs to at the intake. */
export interface BatchSender {
  deviceId: string;
  key: KeyObject;
  hallCode: string;
}

/**
 * Stores a device's batch with a per-item answer, all in one transaction. The outcome id is the
 * idempotency key: the same body again is a duplicate (success), another body under the same id
 * is a conflict. Each new outcome must carry the device's signature over its own hash; the
 * chain audit records gaps, forks and breaks; an outcome it cannot trust is stored but not in
 * force (mergeRules.ts) until a person readmits it. An outcome naming another hall than the device's
 * is refused (`wrong_hall`) and the device flagged: a device writes into its own hall's counts
 * only. A bad item is rejected with its reason; it never sinks the rest of the batch.
 */
export function createBatchIngest(store: IntakeStore, { followups, now = Date.now, forwardSettleMs }: BatchIngestDeps) {
  const merging = createMergeApplication(followups);
  /** What can be known of an item without the database: its schema, its device, its signature. */
  type Rejected = { id: string; rejected: ItemResult };
  /** signer: the raw public key the signature was checked against. */
  type Candidate = { id: string; outcome: Outcome; body: string; hash: string; signer: string | null; verdict: Promise<Verdict> | null };
  type Checked = Rejected | Candidate;
  type Ready = Rejected | (Omit<Candidate, 'verdict'> & { settled: Verdict | null });

  /**
   * An outcome naming its key (keyId) is checked against that key of the device's history, a
   * retired one only before the rotation point (integrity/keyChoice.ts); one without is checked
   * against the key that signed the request, the device's current key, as before key ids.
   */
  async function check(item: unknown, deviceId: string, deviceKey: KeyObject, deviceRaw: () => string, history: Array<KnownKey & { key: KeyObject }>, storedIds: ReadonlySet<string>): Promise<Checked> {
    const id = typeof item === 'object' && item !== null && typeof (item as { id?: unknown }).id === 'string' ? (item as { id: string }).id : '(missing id)';
    const parsed = OutcomeSchema.safeParse(item);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(item)'}: ${i.message}`).join('; ');
      return { id, rejected: { id, status: 'rejected', code: 'invalid', reason } };
    }
    const outcome: Outcome = parsed.data;
    const nul = nulPaths(outcome);
    if (nul.length > 0) return { id, rejected: { id, status: 'rejected', code: 'invalid', reason: `${nul.join(', ')} ${NUL_MESSAGE}` } };
    if (outcome.deviceId !== deviceId) {
      return { id, rejected: { id, status: 'rejected', code: 'wrong_device', reason: `signed by ${deviceId} but names device ${outcome.deviceId}` } };
    }
    // The schema rebuilds the object in its own key order, so equal outcomes give equal text.
    const body = JSON.stringify(outcome);
    const hash = createHash('sha256').update(body).digest('hex');
    // A resend of a stored outcome needs no signature check; the transaction decides for sure.
    if (storedIds.has(outcome.id)) return { id, outcome, body, hash, signer: null, verdict: null };
    if (outcome.keyId === undefined) return { id, outcome, body, hash, signer: deviceRaw(), verdict: verifyOutcome(outcome, deviceKey) };
    const choice = chooseKey(outcome, history);
    if (!choice.ok) return { id, outcome, body, hash, signer: null, verdict: Promise.resolve({ ok: false, code: 'bad_outcome_signature', reason: choice.reason }) };
    return { id, outcome, body, hash, signer: choice.key.publicKey, verdict: verifyOutcome(outcome, choice.key.key) };
  }

  /**
   * The batch in its transaction: what the rules need read at once after the device's lock, each
   * outcome decided in order against those facts (kept up to date with the batch's own outcomes),
   * and what they decided written row set by row set, not outcome by outcome (IngestStore). A
   * details or withdrawal effect, which reads and changes what is stored, first writes what is
   * pending and then runs on the transaction itself, as before.
   */
  function storeBatch({ deviceId, hallCode }: BatchSender, checked: Ready[], lateFlags: LateFlag[], record?: BatchRecord) {
    return store.transaction(async (tx) => {
      const receivedAt = now();
      const dashboard = createDashboardTally();
      const results: ItemResult[] = [];
      // The history as this transaction sees it: another batch may have moved a rotation point.
      const history = await withKeyIds(await tx.devices.keyHistory(deviceId));
      const query = queryOf(checked.flatMap((item) => ('rejected' in item ? [] : [item.outcome])));
      const facts = batchFacts(query, await tx.ingest.facts(deviceId, query));
      const pending = { rows: [] as NewOutcomeRow[], counted: [] as Outcome[], tickets: [] as Outcome[], forward: [] as string[], events: [] as NewIntegrityEvent[], flag: null as { at: number; reason: string } | null, signed: new Map<string, number>() };
      const note = async (kind: IntegrityEventKind, seq: number | null, outcomeId: string | null, detail: string) => {
        const at = now();
        pending.events.push({ deviceId, kind, seq, outcomeId, detail, at });
        if (isFlagging(kind) && facts.flag(at, flagReason(kind, seq))) pending.flag = { at, reason: flagReason(kind, seq) };
      };
      const chain = facts.chain(note);
      async function flush() {
        await tx.ingest.insertOutcomes(pending.rows);
        const opened = await followups.openManyFor(tx, pending.counted, receivedAt);
        for (const outcome of pending.counted) {
          dashboard.count(outcome, opened.has(outcome.id));
          dashboard.comment(outcome);
          if (opened.has(outcome.id)) pending.tickets.push(outcome);
        }
        await tx.ingest.enqueueForwarding(pending.forward, hallCode, receivedAt, receivedAt + (forwardSettleMs ?? DETAILS_SETTLE_MS));
        await tx.ingest.addEvents(pending.events);
        if (pending.flag) await tx.devices.flag(deviceId, pending.flag.at, pending.flag.reason);
        for (const [publicKey, seq] of pending.signed) await tx.devices.noteSigned(deviceId, publicKey, seq);
        pending.rows = [];
        pending.counted = [];
        pending.forward = [];
        pending.events = [];
        pending.flag = null;
        pending.signed.clear();
      }
      /** Every 差评 whose follow-up opened gets its ticket; the log's turn, held to the commit, is taken as late as the batch allows. */
      async function openTickets() {
        await followups.openTicketsFor(tx, pending.tickets, receivedAt);
        pending.tickets = [];
      }
      for (const item of checked) {
        if ('rejected' in item) {
          results.push(item.rejected);
          continue;
        }
        const { id, outcome, body, hash } = item;
        const existing = facts.bodyHash(outcome.id);
        if (existing !== undefined) {
          results.push(
            existing === hash ? { id, status: 'duplicate' } : { id, status: 'rejected', code: 'conflict', reason: 'an outcome with this id and a different body is already stored' },
          );
          continue;
        }
        let verdict = item.settled;
        // Outcomes are never deleted, so one seen stored before the transaction is still there.
        if (!verdict) throw new Error(`outcome ${id} was stored and is gone again`);
        const signedBy = outcome.keyId === undefined ? null : chooseKey(outcome, history);
        if (verdict.ok && signedBy && !signedBy.ok) verdict = { ok: false, code: 'bad_outcome_signature', reason: signedBy.reason };
        if (!verdict.ok) {
          await note(verdict.code, outcome.seq, outcome.id, verdict.reason);
          results.push({ id, status: 'rejected', code: verdict.code, reason: verdict.reason });
          continue;
        }
        if (outcome.window.hallCode !== hallCode) {
          // Signed by the device itself: not noise, a device writing into a hall it is not in.
          const reason = `the device is in hall ${hallCode}; this outcome names hall ${outcome.window.hallCode}`;
          await note('wrong_hall', outcome.seq, outcome.id, reason);
          results.push({ id, status: 'rejected', code: 'wrong_hall', reason });
          continue;
        }
        const { trusted } = await admitToChain(chain, outcome);
        const decision = await merging.decide(facts.merge, outcome, trusted);
        if (decision.finding) await note(decision.finding.kind, outcome.seq, outcome.id, decision.finding.detail);
        pending.rows.push({ id: outcome.id, deviceId, bodyHash: hash, body, receivedAt, trusted, merge: decision.merge, columns: outcomeColumns(outcome) });
        facts.stored(outcome, hash, decision.merge);
        // The key's first signed seq: the rotation point for the keys before it (written only where it moves).
        if (item.signer !== null) {
          const held = history.filter((k) => k.publicKey === item.signer);
          if (held.some((k) => k.firstSeq === null || k.firstSeq > outcome.seq)) pending.signed.set(item.signer, Math.min(pending.signed.get(item.signer) ?? outcome.seq, outcome.seq));
          for (const k of held) noteSignedIn(k, outcome.seq);
        }
        if (decision.effect === 'count') pending.counted.push(outcome);
        else if (decision.effect === 'details' || decision.effect === 'withdraw') {
          await flush();
          await openTickets();
          await merging.apply(tx, dashboard, decision, outcome, receivedAt);
          if (decision.effect === 'withdraw' && outcome.amends) facts.withdrawn(outcome.amends.outcomeId);
        }
        if (decision.merge === 'rating') pending.forward.push(outcome.id);
        results.push({ id, status: 'accepted' });
      }
      await flush();
      const lateFlagResults: LateFlagResult[] = [];
      for (const late of lateFlags) {
        if (!(await tx.outcomes.isOfDevice(late.outcomeId, deviceId))) {
          lateFlagResults.push({ outcomeId: late.outcomeId, status: 'unknown_outcome' });
          continue;
        }
        await tx.outcomes.addLateFlag(late.outcomeId, late.flag, late.count, receivedAt);
        lateFlagResults.push({ outcomeId: late.outcomeId, status: 'attached' });
      }
      await dashboard.flush(tx.dashboard);
      await openTickets();
      // With the outcomes, in their transaction: stored and recorded together, or neither.
      if (record) {
        const { kind, detail } = record(results);
        await tx.ingest.addEvents([{ deviceId, kind, seq: null, outcomeId: null, detail, at: now() }]);
      }
      return { results, lateFlagResults };
    });
  }

  /** `record`: an integrity event about the whole batch (an import, with who and why), written in its transaction. */
  return async (sender: BatchSender, items: unknown[], lateFlags: LateFlag[] = [], record?: BatchRecord) => {
    // A resend of a stored outcome needs no signature check; the transaction decides for sure.
    const ids = items.flatMap((item) => (typeof item === 'object' && item !== null && typeof (item as { id?: unknown }).id === 'string' ? [(item as { id: string }).id] : []));
    const [keys, storedRows] = await Promise.all([store.devices.keyHistory(sender.deviceId), store.ingest.storedHashes([...new Set(ids)])]);
    const history = await loadKeys(keys);
    const stored = new Set(storedRows.map((row) => row.id));
    let senderRaw: string | undefined;
    const deviceRaw = () => (senderRaw ??= rawOf(sender.key));
    const checked = await Promise.all(items.map((item) => check(item, sender.deviceId, sender.key, deviceRaw, history, stored)));
    const settled = await Promise.all(checked.map((item) => ('rejected' in item ? null : item.verdict)));
    return storeBatch(
      sender,
      checked.map((item, i): Ready => ('rejected' in item ? item : { id: item.id, outcome: item.outcome, body: item.body, hash: item.hash, signer: item.signer, settled: settled[i] ?? null })),
      lateFlags,
      record,
    );
  };
}

/** What a batch's own integrity event says, from what became of its items. */
export type BatchRecord = (results: ItemResult[]) => { kind: IntegrityEventKind; detail: string };

/** The raw public key (base64url) of a Node Ed25519 key, as the key history stores it. */
function rawOf(key: KeyObject): string {
  return key.export({ format: 'jwk' }).x as string;
}
