import type { Outcome } from '../../contract/outcome';
import type { ChainView } from '../integrity/chainAudit';
import type { IngestFacts, IngestQuery } from '../store/store';
import type { MergeReads } from './mergeApplication';
import type { MergeState, MergeView } from './mergeRules';

const stageKey = (hallCode: string, projectNo: string, event: string) => JSON.stringify([hallCode, projectNo, event]);
const amendmentKey = (pressId: string, kind: string) => JSON.stringify([pressId, kind]);
const unique = <T>(items: T[]): T[] => [...new Set(items)];

/** What the chain audit and the merge rules will ask the store about a batch's outcomes (all of one device). */
export function queryOf(outcomes: Outcome[]): IngestQuery {
  const endings = outcomes.filter((o) => !o.amends);
  const stages = new Map(endings.map((o) => [stageKey(o.window.hallCode, o.case.projectNo, o.event), { hallCode: o.window.hallCode, projectNo: o.case.projectNo, event: o.event }]));
  return {
    ids: unique(outcomes.map((o) => o.id)),
    seqs: unique(outcomes.flatMap((o) => [o.seq - 1, o.seq, o.seq + 1]).filter((seq) => seq > 0)),
    invitationIds: unique(endings.map((o) => o.invitationId)),
    pressIds: unique(outcomes.flatMap((o) => (o.amends ? [o.amends.outcomeId] : []))),
    stages: [...stages.values()],
  };
}

/** A question the batch's facts were not read for: answering it from them would be a guess. */
function unasked(what: string): never {
  throw new Error(`${what} was not read with the batch's facts`);
}

/**
 * A batch's facts (read at once, after the device's lock) as the chain audit and the merge rules
 * read them, kept up to date as the batch's own outcomes are decided: each outcome sees the ones
 * before it in the batch as it would if each had been stored before the next was audited, as
 * ingest did outcome by outcome. Only what `queryOf` asked for is answered; anything else throws.
 */
export function batchFacts(query: IngestQuery, facts: IngestFacts) {
  const asked = {
    seqs: new Set(query.seqs),
    invitations: new Set(query.invitationIds),
    presses: new Set(query.pressIds),
    stages: new Set(query.stages.map((s) => stageKey(s.hallCode, s.projectNo, s.event))),
    ids: new Set(query.ids),
  };
  const stored = new Map(facts.stored.map((row) => [row.id, row.bodyHash]));
  const chain = new Map(facts.chain.map(({ seq, ...row }) => [seq, row]));
  let maxSeq = facts.maxSeq;
  let flag = facts.flag;
  const inForce = new Map(facts.inForce.map((view) => [view.invitationId, view]));
  const views = new Map(facts.presses.map((view) => [view.id, view]));
  const amendments = new Set(facts.amendments.map((a) => amendmentKey(a.pressId, a.kind)));
  const phone = new Map<string, string[]>();
  for (const rating of facts.phoneRatings) {
    const key = stageKey(rating.hallCode, rating.projectNo, rating.event);
    phone.set(key, [...(phone.get(key) ?? []), rating.id]);
  }

  const merge: MergeReads = {
    outcomes: {
      ratingInForce: async (_deviceId, invitationId) => (asked.invitations.has(invitationId) ? inForce.get(invitationId) : unasked(`invitation ${invitationId}`)),
      mergeView: async (id) => (asked.presses.has(id) || stored.has(id) ? views.get(id) : unasked(`record ${id}`)),
      hasAmendment: async (pressId, kind) => (asked.presses.has(pressId) ? amendments.has(amendmentKey(pressId, kind)) : unasked(`amendments of ${pressId}`)),
    },
    phone: {
      phoneRatingsOfStage: async (hallCode, projectNo, event) => {
        const key = stageKey(hallCode, projectNo, event);
        return asked.stages.has(key) ? (phone.get(key) ?? []) : unasked(`case stage ${key}`);
      },
    },
  };

  return {
    /** The stored body hash of an outcome id: stored before the batch, or earlier in it. */
    bodyHash(id: string): string | undefined {
      return asked.ids.has(id) ? stored.get(id) : unasked(`outcome ${id}`);
    },
    /** The device's chain for the audit; `note` records an event (and flags through `flag`). */
    chain(note: ChainView['note']): ChainView {
      return {
        atSeq: async (seq) => (asked.seqs.has(seq) || seq > maxSeq ? chain.get(seq) : unasked(`seq ${seq}`)),
        maxSeq: async () => maxSeq,
        flagged: async () => flag !== null,
        note,
      };
    },
    merge,
    /** Flags the device unless it is flagged (the first reason stands); true when this flagged it. */
    flag(at: number, reason: string): boolean {
      if (flag !== null) return false;
      flag = { at, reason };
      return true;
    },
    /** The outcome is stored with this merge state: later outcomes of the batch see it. */
    stored(outcome: Outcome, bodyHash: string, state: MergeState): void {
      stored.set(outcome.id, bodyHash);
      if (!chain.has(outcome.seq)) chain.set(outcome.seq, { id: outcome.id, chainHash: outcome.hash, prevHash: outcome.prevHash });
      maxSeq = Math.max(maxSeq, outcome.seq);
      const view: MergeView = {
        id: outcome.id,
        deviceId: outcome.deviceId,
        invitationId: outcome.invitationId,
        outcome: outcome.outcome,
        level: outcome.level ?? null,
        merge: state,
        amendsId: outcome.amends?.outcomeId ?? null,
      };
      views.set(outcome.id, view);
      if (state === 'rating' && !inForce.has(outcome.invitationId)) inForce.set(outcome.invitationId, view);
      if (state === 'amendment' && outcome.amends) amendments.add(amendmentKey(outcome.amends.outcomeId, outcome.amends.kind));
    },
    /** The citizen withdrew a press in force: it is no longer its invitation's rating. */
    withdrawn(pressId: string): void {
      const view = views.get(pressId);
      if (!view) return;
      const now: MergeView = { ...view, merge: 'withdrawn' };
      views.set(pressId, now);
      if (inForce.get(view.invitationId)?.id === pressId) inForce.delete(view.invitationId);
    },
  };
}

export type BatchFacts = ReturnType<typeof batchFacts>;
