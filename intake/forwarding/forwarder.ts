import type { Level } from '../../contract/ratingCodes';
import { readRatingRecord, type RatingRecord } from '../ingest/ratingRecord';
import type { ForwardDue, IntakeStore, TicketStateDue } from '../store/store';
import type { ProvinceAdapter, SendResult } from './adapter';
import { DEFAULT_BACKOFF, retryDelayMs, takeToken, type BackoffPolicy, type Bucket } from './backoff';
import { transition, type ForwardEvent, type ForwardRecord } from './forwardState';

export interface Destination {
  name: string;
  adapter: ProvinceAdapter;
  /** Sends in flight at once. */
  concurrency: number;
  /** Calls a second on average, and how many may go at once after a quiet spell. */
  ratePerSec: number;
  burst: number;
  /**
   * Set only where the province requires a default rating for a case the citizen did not rate:
   * an unrated or declined ending is then sent as that level, marked as the system's default, once
   * the citizen's own window (`afterMs` from storing: the phone link stays valid that long) is over.
   * Unset, such an ending is listed as refused before sending, with the reason.
   */
  defaultRating?: { level: Level; afterMs: number };
}

export interface ForwarderOptions {
  destinations: Destination[];
  /** How long a claimed record may stay unanswered before another run claims it again (a crash mid-send). */
  leaseMs?: number;
  backoff?: BackoffPolicy;
  batchSize?: number;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Never given a secret: only outcome ids, destinations and the province's answers. */
  log?: (line: string) => void;
}

/** The stored rating as the province gets it: a device's press with its details, or a phone rating. */
function ratingOf(due: ForwardDue): RatingRecord | string {
  const read = readRatingRecord(due.body, due.details);
  return read.ok ? read.rating : read.reason;
}

/**
 * The runner: takes due records of each destination, applies the pure decisions
 * (forwardState.ts, backoff.ts) and writes each step before the next. A record is claimed
 * (written `sending` with a lease) before its send, so a stop mid-send leaves it to be sent again
 * after the lease; the province's "already exists" then acknowledges it.
 */
export function createForwarder(store: IntakeStore, options: ForwarderOptions) {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const batchSize = options.batchSize ?? 100;
  const log = options.log ?? (() => undefined);
  const buckets = new Map<string, Bucket>();

  async function step(record: ForwardRecord, event: ForwardEvent): Promise<ForwardRecord | null> {
    const next = transition(record, event);
    return (await store.forwarding.save(record, next)) ? next : null;
  }

  async function pace(destination: Destination): Promise<void> {
    const taken = takeToken(buckets.get(destination.name) ?? { tokens: destination.burst, at: now() }, now(), destination.ratePerSec, destination.burst);
    buckets.set(destination.name, taken.bucket);
    if (taken.wait > 0) await sleep(taken.wait);
  }

  function answerEvent(claimed: ForwardRecord, answer: SendResult): ForwardEvent {
    const at = now();
    switch (answer.kind) {
      case 'ack':
        return { type: 'ack', at, ackId: answer.ackId };
      case 'duplicate':
        return { type: 'duplicate', at, ackId: answer.ackId };
      case 'refused':
        return { type: 'refuse', at, reason: answer.reason };
      case 'retry':
        // At least 1 ms: a retried record is not due again within the drain that retried it.
        return { type: 'retry', at, error: answer.error, nextAttemptAt: at + Math.max(1, retryDelayMs(claimed.attempts, random(), backoff, answer.retryAfterMs)) };
    }
  }

  async function forwardOne(destination: Destination, due: ForwardDue): Promise<void> {
    const { body: _body, details: _details, hallCode: _hall, merge, late, ...record } = due;
    const rating = ratingOf(due);
    // Rules at forward time, never silent: what the province would refuse is listed with its reason, unsent.
    const before =
      typeof rating === 'string' ? rating : merge !== 'rating' ? `the rating is no longer in force (${merge}): the citizen withdrew it or it was set aside before it was sent` : destination.adapter.check(rating);
    // An invitation that ended without the citizen's rating goes only as the province's required default, after the citizen's window.
    const unrated = typeof rating !== 'string' && rating.outcome !== 'rated' ? rating.outcome : null;
    const noDefault = unrated && !destination.defaultRating ? `the invitation ended ${unrated}: no rating by the citizen, and ${destination.name} is not configured to send a default rating (only where the province requires one)` : null;
    const refusal = before ?? noDefault;
    if (refusal !== null && record.state === 'pending') {
      await step(record, { type: 'refuse-before-sending', at: now(), reason: refusal });
      log(`forward ${record.outcomeId} → ${destination.name}: refused before sending: ${refusal}`);
      return;
    }
    if (unrated && destination.defaultRating && record.state === 'pending' && now() < record.storedAt + destination.defaultRating.afterMs) {
      const until = record.storedAt + destination.defaultRating.afterMs;
      await step(record, { type: 'defer', at: now(), until, reason: `the invitation ended ${unrated}: the province's default rating is sent once the citizen's window is over (${new Date(until).toISOString()})` });
      return;
    }
    const claimed = await step(record, { type: 'claim', at: now(), leaseMs });
    // Another run claimed it first.
    if (!claimed) return;
    let answer: SendResult;
    if (typeof rating === 'string') answer = { kind: 'refused', reason: rating };
    else if (refusal !== null) answer = { kind: 'refused', reason: refusal };
    else {
      await pace(destination);
      answer = await destination.adapter.send(rating, { late, ...(unrated && destination.defaultRating ? { defaultLevel: destination.defaultRating.level } : {}) });
    }
    const saved = await step(claimed, answerEvent(claimed, answer));
    if (answer.kind !== 'ack') log(`forward ${record.outcomeId} → ${destination.name}: ${answer.kind}${'error' in answer ? `: ${answer.error}` : 'reason' in answer ? `: ${answer.reason}` : ''}${saved ? '' : ' (the record moved meanwhile)'}`);
  }

  /** One queued ticket state (issue 23): claimed, sent by the interface's own call, answered as a rating is. */
  async function forwardTicketState(destination: Destination, due: TicketStateDue, send: (body: string) => Promise<SendResult>): Promise<void> {
    const { ticketId: _ticket, seq: _seq, body, ...record } = due;
    const claimed = transition(record, { type: 'claim', at: now(), leaseMs });
    // Another run claimed it first.
    if (!(await store.forwarding.saveTicketState(due, claimed))) return;
    await pace(destination);
    const answer = await send(body);
    const saved = await store.forwarding.saveTicketState({ ...due, ...claimed }, transition(claimed, answerEvent(claimed, answer)));
    if (answer.kind !== 'ack') log(`forward ticket state ${record.outcomeId} → ${destination.name}: ${answer.kind}${'error' in answer ? `: ${answer.error}` : 'reason' in answer ? `: ${answer.reason}` : ''}${saved ? '' : ' (the record moved meanwhile)'}`);
  }

  /** Sends every ticket state queued for the destination and due now, one at a time; returns how many it handled. */
  async function drainTicketStates(destination: Destination, cutoff: number): Promise<number> {
    const send = destination.adapter.sendTicketState?.bind(destination.adapter);
    if (!send) return 0;
    let handled = 0;
    for (;;) {
      const due = await store.forwarding.dueTicketStates(destination.name, Math.min(cutoff, now()), batchSize);
      if (due.length === 0) return handled;
      for (const item of due) {
        await forwardTicketState(destination, item, send);
        handled++;
      }
    }
  }

  /** Sends every record of the destination that is due now (ratings, then ticket states); returns how many it handled. */
  async function drain(destination: Destination): Promise<number> {
    let handled = 0;
    // Records due by the start of the drain: one retried in it waits for a later one.
    const cutoff = now();
    for (;;) {
      const due = await store.forwarding.due(destination.name, Math.min(cutoff, now()), batchSize);
      if (due.length === 0) return handled + (await drainTicketStates(destination, cutoff));
      let next = 0;
      const worker = async () => {
        while (next < due.length) {
          const item = due[next++]!;
          await forwardOne(destination, item);
          handled++;
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(destination.concurrency, due.length)) }, worker));
    }
  }

  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = true;
  return {
    drain,
    /** One pass over every destination. */
    runOnce: () => Promise.all(options.destinations.map((destination) => drain(destination))),
    /** Passes every `intervalMs` until stopped. */
    start(intervalMs = 5_000) {
      stopped = false;
      const tick = () => {
        running = Promise.all(options.destinations.map((destination) => drain(destination).catch((error: unknown) => log(`forward ${destination.name}: ${String(error)}`)))).finally(() => {
          running = null;
          if (!stopped) timer = setTimeout(tick, intervalMs);
        });
      };
      tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
