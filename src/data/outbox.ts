import { v7 as uuidv7 } from 'uuid';
import type { DeviceContext } from '../../contract/hallConfig';
import type { Invitation } from '../../contract/invitation';
import type { Outcome } from '../../contract/outcome';
import { staffIdentity } from '../../contract/staffIdentity';
import type { StaffSession } from '../../contract/staffSession';
import { GENESIS_HASH, outcomeHashInput, signedBytes, type UnsealedOutcome } from '../../contract/outcomeChain';
import type { Ending } from '../flow/machine';
import { anomalyFlags, minutesUntil } from '../integrity/anomalyFlags';
import { markPerformance } from '../lib/performanceMarks';
import { isoWithOffset } from '../lib/time';
import type { ChainHead, EvaluatorDb, OutboxRow } from './db';
import { pruneDeviceData, TIGHT_PRUNE_LIMITS } from './prune';

/** IndexedDB is out of space (Dexie names the error, or wraps the browser's). */
export function isQuotaError(error: unknown): boolean {
  const named = (e: unknown) => e instanceof Error && e.name === 'QuotaExceededError';
  return named(error) || (error instanceof Error && named((error as { inner?: unknown }).inner));
}

/** The meta row holding the newest outcome of the device's chain (ChainHead). */
export const CHAIN_HEAD_KEY = 'chainHead';
const RECENT_RATINGS_KEY = 'recentRatedAtMs';
const RECENT_RATINGS_KEPT = 50;

/** The ending of an invitation with the callback phone already sealed (never in clear here). */
export type SealedEnding = Omit<Ending, 'callback'> & { callback: Outcome['callback'] };

/** An amendment names no press the recorder can find: nothing was written. */
export class NothingToAmend extends Error {}

/**
 * The invitation was ended already (on another screen of this device), and its record has left
 * the outbox for the intake: nothing was written, and a press here is noted on that record.
 */
export class AlreadyEnded extends Error {}

// The schema (zod) stays out of the first screen's bundle (initial JS budget) but starts loading
// with this module, so it is in memory before any press: a new build deployed meanwhile, whose
// server no longer has this build's chunks, cannot keep the press from being recorded.
const loadSchema = () => import('../../contract/outcome');
let outcomeSchema = loadSchema();
const schema = () => (outcomeSchema = outcomeSchema.catch(loadSchema));

export interface RecordContext {
  context: DeviceContext;
  clockOffsetMs: number | null;
  /** Epoch ms with sub-ms resolution, monotonic within the page: monotonicMs. */
  nowMs: number;
  /** The device's wall clock (Date.now) at the record, for ratedAt; nowMs when not given. */
  wallMs?: number;
  /** The staff member signed in at the window, since when and how; null when nobody is. */
  signedIn: StaffSession | null;
  /** The rating began without a case invitation (hall policy allows free rating). */
  free?: boolean;
}

/**
 * Signs with the device's private key; returns the base64url signature. A signer that names its
 * key (`keyed`, src/device/deviceKey.ts) has the outcome carry that key's id inside its hash.
 */
export type OutcomeSigner = ((bytes: Uint8Array) => Promise<string>) & { keyed?: () => Promise<{ keyId: string; sign: (bytes: Uint8Array) => Promise<string> }> };

class ChainHeadMoved extends Error {}

/** Hashes an outcome over its canonical encoding (prevHash included) and signs the hash. */
export async function sealOutcome(unsealed: UnsealedOutcome, sign: OutcomeSigner, subtle: SubtleCrypto = crypto.subtle): Promise<Outcome> {
  // The key is looked up after the chain head was read, so an outcome signed by a retired key never
  // follows one of the new key in the chain: a new-key outcome is sealed after the switch, so written after this head.
  const key = sign.keyed ? await sign.keyed() : null;
  const content: UnsealedOutcome = key ? { ...unsealed, keyId: key.keyId } : unsealed;
  const digest = new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(outcomeHashInput(content))));
  let hash = '';
  for (const byte of digest) hash += byte.toString(16).padStart(2, '0');
  return { ...content, hash, signature: await (key?.sign ?? sign)(signedBytes(hash)) };
}

/**
 * Writes outcomes to the outbox as one hash chain per device: each outcome carries the hash of
 * the one before and is signed by the device key, so a deleted, edited or invented outcome shows
 * at the intake. Writes are serialised; the write transaction re-reads the chain head and aborts
 * if another tab moved it, then tries again on the new head.
 */
export function createOutcomeRecorder(db: EvaluatorDb, sign: OutcomeSigner, subtle: SubtleCrypto = crypto.subtle) {
  let queue: Promise<unknown> = Promise.resolve();

  async function attempt(invitation: Invitation, ending: SealedEnding, rc: RecordContext): Promise<Outcome> {
    const caseKey = `${invitation.case.projectNo}|${invitation.event}`;
    const [row, ratedCase, headRow, recentRow] = await db.transaction('r', db.invitations, db.ratedCases, db.meta, () =>
      Promise.all([db.invitations.get(invitation.id), db.ratedCases.get(caseKey), db.meta.get(CHAIN_HEAD_KEY), db.meta.get(RECENT_RATINGS_KEY)]),
    );
    const round = row?.round ?? 0;
    // What follows a press refers to it; the press is whatever ended this invitation's round.
    const pressId = ending.amends ? row?.outcomeId : undefined;
    if (ending.amends && (row?.state !== 'ended' || pressId === undefined)) throw new NothingToAmend(`invitation ${invitation.id} has no press to amend`);
    const slot = ending.amends ? `${pressId}:${ending.amends.kind}` : `${invitation.id}#${round}`;
    if (ending.amends || row?.state === 'ended') {
      const existing = await db.outbox.where('slot').equals(slot).first();
      if (existing) return notedAsExtra(existing, ending);
      // Sent and acknowledged already: the memory of ended invitations, not the outbox, says so.
      if (!ending.amends && row?.outcomeId !== undefined) {
        await noteExtraPress(row.outcomeId, ending);
        throw new AlreadyEnded(`invitation ${invitation.id} was ended by ${row.outcomeId}`);
      }
    }
    markPerformance('record-read', { invitationId: invitation.id });
    const head = (headRow?.value as ChainHead | undefined) ?? { seq: 0, hash: GENESIS_HASH };
    const recent = Array.isArray(recentRow?.value) ? recentRow.value : [];
    const { context, nowMs } = rc;
    const unsealed = {
      id: uuidv7(),
      deviceId: context.device.id,
      seq: head.seq + 1,
      invitationId: invitation.id,
      outcome: ending.outcome,
      ...(ending.level !== undefined ? { level: ending.level } : {}),
      tags: ending.tags,
      ...(ending.comment !== undefined ? { comment: ending.comment } : {}),
      public: ending.isPublic,
      callback: ending.callback,
      channel: context.device.channel,
      // Wall time in the hall's zone; the intake corrects it by clockOffsetMs, recorded beside it.
      ratedAt: isoWithOffset(rc.wallMs ?? nowMs, context.hall.timeZone),
      monotonicMs: nowMs,
      clockOffsetMs: rc.clockOffsetMs,
      input: ending.input,
      event: invitation.event,
      case: invitation.case,
      staff: invitation.staff,
      ...(rc.signedIn
        ? {
            signedIn: {
              staff: staffIdentity(rc.signedIn.staff),
              since: isoWithOffset(rc.signedIn.pairedAtMs, context.hall.timeZone),
              via: rc.signedIn.via,
            },
          }
        : {}),
      window: { hallCode: context.hall.code, windowNo: context.window.no, windowName: context.window.name },
      questionSetVersion: context.policies.questionSetVersion,
      flags: ending.amends ? [] : anomalyFlags({
        outcome: ending.outcome,
        inviteToPressMs: ending.input.inviteToPressMs,
        staffPairedAtMs: rc.signedIn?.pairedAtMs ?? null,
        pairedLoginName: rc.signedIn?.staff.loginName ?? null,
        invitedLoginName: invitation.staff.loginName,
        caseRatedBefore: ratedCase !== undefined && ratedCase.outcomeId !== undefined,
        free: rc.free === true,
        recentRatedAtMs: recent,
        nowMs: Date.now(),
        minutesToShiftEnd: minutesUntil(context.policies.anomalies.shiftEnd, Date.now()),
        policy: context.policies.anomalies,
      }),
      ...(ending.amends && pressId !== undefined ? { amends: { outcomeId: pressId, kind: ending.amends.kind } } : {}),
      prevHash: head.hash,
    } satisfies UnsealedOutcome;
    const sealed = await sealOutcome(unsealed, sign, subtle);
    const { OutcomeSchema } = await schema();
    const outcome = OutcomeSchema.parse(sealed);
    markPerformance('record-sealed', { invitationId: invitation.id });

    const withdrawn = ending.amends?.kind === 'withdrawal';
    // A withdrawn press is no rating: it leaves the burst memory (it was the newest entry) and
    // the rated-case memory, so the citizen's new press is not flagged same-case-again.
    const newRecent = withdrawn ? recent.slice(0, -1) : ending.outcome === 'rated' && !ending.amends ? [...recent, Date.now()].slice(-RECENT_RATINGS_KEPT) : recent;
    const forgetCase = withdrawn && ratedCase?.outcomeId === pressId;
    // A press or an ending closes the invitation's round; a withdrawal opens the next one.
    const invitationAfter = ending.amends
      ? withdrawn
        ? { state: 'pending' as const, outcomeId: undefined, round: round + 1 }
        : null
      : { state: 'ended' as const, outcomeId: outcome.id, round };
    try {
      await db.transaction('rw', [db.outbox, db.invitations, db.meta, db.ratedCases], async () => {
        // Issued together: each IndexedDB request is a round trip, and this is the press → durable path.
        // Requests run in order, so the head read sees the state before this transaction's writes.
        const [current] = await Promise.all([
          db.meta.get(CHAIN_HEAD_KEY),
          db.outbox.add({ ...outcome, storedAtMs: Date.now(), slot }),
          db.meta.put({ key: CHAIN_HEAD_KEY, value: { seq: outcome.seq, hash: outcome.hash } }),
          db.meta.put({ key: RECENT_RATINGS_KEY, value: newRecent }),
          ...(invitationAfter
            ? [db.invitations.put({ ...(row ?? { id: invitation.id, invitation, receivedAtMs: invitation.receivedAtMs }), ...invitationAfter })]
            : []),
          ...(ending.amends ? [] : [db.ratedCases.put({ key: caseKey, outcomeId: outcome.id, atMs: Date.now() })]),
          ...(forgetCase ? [db.ratedCases.delete(caseKey)] : []),
        ]);
        const seen = (current?.value as ChainHead | undefined) ?? { seq: 0, hash: GENESIS_HASH };
        if (seen.seq !== head.seq || seen.hash !== head.hash) throw new ChainHeadMoved();
      });
    } catch (error) {
      if (error instanceof ChainHeadMoved) return attempt(invitation, ending, rc);
      // A key was taken: either another tab wrote this record first (unique slot), or it wrote
      // the next seq before this transaction could see the head move.
      if (error instanceof Error && error.name === 'ConstraintError') {
        const existing = await db.outbox.where('slot').equals(slot).first();
        return existing ? notedAsExtra(existing, ending) : attempt(invitation, ending, rc);
      }
      throw error;
    }
    return outcome;
  }

  /**
   * A press that reached an invitation another screen had already ended leaves a trace: a
   * press-burst flag on the record that counts, sent with the next upload.
   */
  async function noteExtraPress(outcomeId: string, ending: SealedEnding): Promise<void> {
    if (ending.outcome !== 'rated' || ending.amends) return;
    await db.transaction('rw', db.lateFlags, async () => {
      const known = await db.lateFlags.get(outcomeId);
      await db.lateFlags.put({ outcomeId, flag: 'press-burst', count: (known?.count ?? 0) + 1 });
    });
  }

  /** The record already written; a different choice made for the same invitation is noted on it (a retry of the same write is not). */
  async function notedAsExtra(existing: OutboxRow, ending: SealedEnding): Promise<Outcome> {
    if (!ending.amends && (existing.outcome !== ending.outcome || existing.level !== ending.level)) await noteExtraPress(existing.id, ending);
    return stripLocal(existing);
  }

  return {
    /**
     * Writes one record of an invitation: its ending (a press, or unrated/declined) or an
     * amendment of its press (details, confirm, withdrawal). The promise settles after the commit,
     * so a caller that waits for it knows the record is durable. A second call for the same
     * record (the same round's ending, the same press's amendment of a kind) returns the first
     * unchanged: one ending per invitation and round.
     */
    record(invitation: Invitation, ending: SealedEnding, rc: RecordContext): Promise<Outcome> {
      // Out of space: free what may be freed (never an unsent outcome or a dead letter) and try
      // once more; a write that still fails is reported and retried by the flow.
      const run = queue.then(() =>
        attempt(invitation, ending, rc).catch(async (error: unknown) => {
          if (!isQuotaError(error)) throw error;
          await pruneDeviceData(db, Date.now(), TIGHT_PRUNE_LIMITS).catch(() => undefined);
          return attempt(invitation, ending, rc);
        }),
      );
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

export type OutcomeRecorder = ReturnType<typeof createOutcomeRecorder>;

/** The outcome as signed and sent, without the outbox's own bookkeeping. */
export function stripLocal(row: OutboxRow): Outcome {
  const { storedAtMs: _stored, slot: _slot, ...outcome } = row;
  return outcome;
}

export async function listOutbox(db: EvaluatorDb): Promise<Outcome[]> {
  const rows = await db.outbox.orderBy('seq').toArray();
  return rows.map(stripLocal);
}
