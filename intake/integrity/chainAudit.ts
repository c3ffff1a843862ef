import { GENESIS_HASH } from '../../contract/outcomeChain';
import type { Outcome } from '../../contract/outcome';
import type { IntakeData } from '../store/store';
import type { IntegrityEvent, IntegrityEventKind, SeqGap } from './integrityEvents';

export type { IntegrityEvent, IntegrityEventKind, SeqGap } from './integrityEvents';

/** Kinds that make a device untrusted until a person looks at it. */
const FLAGGING: ReadonlySet<IntegrityEventKind> = new Set(['fork', 'chain_break', 'tampered', 'bad_outcome_signature', 'wrong_hall']);

/** Untrusted records listed in a report, at most. */
const REPORT_UNTRUSTED_MAX = 100;
/** Runs of missing seqs listed in a report, at most (gapsTruncated says when there are more). */
const REPORT_GAPS_MAX = 1000;

export interface ChainReport {
  deviceId: string;
  flagged: { at: number; reason: string } | null;
  /** Records stored untrusted, not in force until a person readmits them: how many, and the first ones in chain order. */
  untrusted: { count: number; outcomes: Array<{ id: string; seq: number }> };
  stored: number;
  maxSeq: number;
  /** The first runs of missing seqs. */
  gaps: SeqGap[];
  gapsTruncated: boolean;
  /** A page of the events in the order recorded. */
  events: Array<IntegrityEvent & { id: number }>;
  /** The last event's id when more follow (the next page starts after it), else null. */
  nextEventId: number | null;
}

/** Whether an event of this kind makes its device untrusted until a person looks at it. */
export const isFlagging = (kind: IntegrityEventKind): boolean => FLAGGING.has(kind);

/** Why a device was flagged, as its flag keeps it. */
export const flagReason = (kind: IntegrityEventKind, seq: number | null): string => `${kind} at seq ${seq ?? '?'}`;

/** One device's chain as the audit of a new outcome reads it, and where it notes what does not fit. */
export interface ChainView {
  /** The outcome holding a seq (the first stored, when forked). */
  atSeq(seq: number): Promise<{ id: string; chainHash: string | null; prevHash: string | null } | undefined>;
  /** The highest seq held, 0 when none. */
  maxSeq(): Promise<number>;
  flagged(): Promise<boolean>;
  /** Records an integrity event, flagging the device for a flagging kind. */
  note(kind: IntegrityEventKind, seq: number | null, outcomeId: string | null, detail: string): Promise<void>;
}

/**
 * The chain audit of a verified outcome before it is stored: records what does not fit its
 * device's chain and returns whether the outcome and its device can still be trusted. Reads and
 * notes go through `chain`: the store, or a batch's facts read at once (ingest/batchFacts.ts).
 */
export async function admitToChain(chain: ChainView, outcome: Outcome): Promise<{ trusted: boolean }> {
  const { seq, id } = outcome;
  let fits = true;
  const taken = await chain.atSeq(seq);
  if (taken) {
    await chain.note('fork', seq, id, `seq ${seq} is already held by outcome ${taken.id}`);
    fits = false;
  }
  if (seq === 1 && outcome.prevHash !== GENESIS_HASH) {
    await chain.note('chain_break', seq, id, 'the first outcome does not start from the genesis hash');
    fits = false;
  }
  const before = seq > 1 ? await chain.atSeq(seq - 1) : undefined;
  if (before && before.chainHash !== outcome.prevHash) {
    await chain.note('chain_break', seq, id, `prevHash does not match the hash of seq ${seq - 1}`);
    fits = false;
  }
  const after = await chain.atSeq(seq + 1);
  if (after && after.prevHash !== outcome.hash) {
    await chain.note('chain_break', seq + 1, after.id, `seq ${seq + 1} does not point at this seq's hash`);
    fits = false;
  }
  const highest = await chain.maxSeq();
  if (seq > highest + 1) await chain.note('gap', seq, id, `seqs ${highest + 1}–${seq - 1} missing`);
  else if (seq < highest && !taken) await chain.note('late_arrival', seq, id, `arrived after seq ${highest}`);
  return { trusted: fits && !(await chain.flagged()) };
}

/**
 * Follows each device's hash chain as outcomes arrive (in any order) and records what does not
 * fit. Nothing here drops an outcome: a broken chain is evidence for people to judge. Works on
 * whatever it is given: the store, or an ingest transaction.
 */
export function createChainAudit(data: Pick<IntakeData, 'outcomes' | 'integrity' | 'devices'>, now: () => number = Date.now) {
  async function note(deviceId: string, kind: IntegrityEventKind, seq: number | null, outcomeId: string | null, detail: string): Promise<void> {
    const at = now();
    await data.integrity.addEvent(deviceId, kind, seq, outcomeId, detail, at);
    if (FLAGGING.has(kind)) await data.devices.flag(deviceId, at, flagReason(kind, seq));
  }

  return {
    note,

    /**
     * Called for a verified outcome before it is stored; returns whether the outcome and its
     * device can still be trusted.
     */
    admit(outcome: Outcome): Promise<{ trusted: boolean }> {
      const { deviceId } = outcome;
      return admitToChain(
        {
          atSeq: (seq) => data.outcomes.atSeq(deviceId, seq),
          maxSeq: () => data.outcomes.maxSeq(deviceId),
          flagged: async () => (await data.devices.flagOf(deviceId)) !== null,
          note: (kind, seq, outcomeId, detail) => note(deviceId, kind, seq, outcomeId, detail),
        },
        outcome,
      );
    },

    /** What the intake knows of one device's chain: the seqs still missing and every event. */
    async report(deviceId: string, page: { limit: number; afterEventId: number } = { limit: 200, afterEventId: 0 }): Promise<ChainReport> {
      const [flagged, untrustedCount, untrusted, stored, maxSeq, gaps, events] = await Promise.all([
        data.devices.flagOf(deviceId),
        data.outcomes.countUntrusted(deviceId),
        data.outcomes.untrusted(deviceId, REPORT_UNTRUSTED_MAX),
        data.outcomes.count(deviceId),
        data.outcomes.maxSeq(deviceId),
        data.outcomes.gaps(deviceId, REPORT_GAPS_MAX + 1),
        // One beyond the page says whether another follows.
        data.integrity.events(deviceId, page.afterEventId, page.limit + 1),
      ]);
      const shown = events.slice(0, page.limit);
      return {
        deviceId,
        flagged,
        untrusted: { count: untrustedCount, outcomes: untrusted.map(({ id, seq }) => ({ id, seq })) },
        stored,
        maxSeq,
        gaps: gaps.slice(0, REPORT_GAPS_MAX),
        gapsTruncated: gaps.length > REPORT_GAPS_MAX,
        events: shown,
        nextEventId: events.length > page.limit ? (shown[shown.length - 1]?.id ?? null) : null,
      };
    },
  };
}

export type ChainAudit = ReturnType<typeof createChainAudit>;
