/**
 * The life of one forwarding record (one stored rating × one destination), as a pure state machine.
 *
 *   pending ──claim──▶ sending ──ack / duplicate──▶ acknowledged   (final)
 *      ▲                  │ ──retry──▶ pending (attempts kept, next attempt after a backoff)
 *      │                  │ ──refuse──▶ refused
 *      │                  └─lease expired (the intake stopped mid-send)─ claim again ─▶ sending
 *      ├──defer (not to be sent before a time: a default rating waits out the citizen's window)──▶ pending
 *      ├──refuse-before-sending (a rule at forward time)──▶ refused
 *      └──────────────requeue (a person, after a fix)────── refused
 *
 * Nothing reaches `acknowledged` without the province's acknowledgement: its own id for the record,
 * or its answer that the record already exists there (a resend after a lost reply). Every other
 * move is refused by `transition`, so a bug cannot skip a step.
 */
export type ForwardState = 'pending' | 'sending' | 'acknowledged' | 'refused';

export interface ForwardRecord {
  outcomeId: string;
  destination: string;
  state: ForwardState;
  /** Sends started (claims), including one cut short by a stop. */
  attempts: number;
  /** When a pending record may be claimed; for a sending one, when its lease runs out. */
  nextAttemptAt: number;
  /** The last failure or the province's reason for a refusal; null when there was none. */
  lastError: string | null;
  /** The province's id for the record; null until acknowledged (or when it answered "already exists" without one). */
  ackId: string | null;
  /** How it was acknowledged: the province took it, or said it already had it. */
  ackKind: 'accepted' | 'duplicate' | null;
  /** When the rating was stored (the report's day). */
  storedAt: number;
  /** When the record last changed state. */
  updatedAt: number;
}

export type ForwardEvent =
  | { type: 'claim'; at: number; leaseMs: number }
  | { type: 'ack'; at: number; ackId: string }
  | { type: 'duplicate'; at: number; ackId: string | null }
  | { type: 'retry'; at: number; error: string; nextAttemptAt: number }
  | { type: 'refuse'; at: number; reason: string }
  | { type: 'refuse-before-sending'; at: number; reason: string }
  | { type: 'defer'; at: number; until: number; reason: string }
  | { type: 'requeue'; at: number };

export class ForwardTransitionError extends Error {}

function refuse(record: ForwardRecord, event: ForwardEvent, why: string): never {
  throw new ForwardTransitionError(`${record.outcomeId} → ${record.destination}: ${event.type} from ${record.state}: ${why}`);
}

/** The record after `event`; throws ForwardTransitionError for a move the machine does not have. */
export function transition(record: ForwardRecord, event: ForwardEvent): ForwardRecord {
  const at = event.at;
  switch (event.type) {
    case 'claim': {
      const due = record.state === 'pending' && record.nextAttemptAt <= at;
      // A sending record whose lease ran out: the sender stopped (a crash, a kill) without an answer.
      const abandoned = record.state === 'sending' && record.nextAttemptAt <= at;
      if (!due && !abandoned) return refuse(record, event, record.state === 'pending' || record.state === 'sending' ? 'not due yet' : 'not a record to send');
      return { ...record, state: 'sending', attempts: record.attempts + 1, nextAttemptAt: at + event.leaseMs, updatedAt: at };
    }
    case 'ack':
      if (record.state !== 'sending') return refuse(record, event, 'only a record being sent is acknowledged');
      if (event.ackId.trim() === '') return refuse(record, event, 'an acknowledgement without the province id is no acknowledgement');
      return { ...record, state: 'acknowledged', ackId: event.ackId, ackKind: 'accepted', lastError: null, updatedAt: at };
    case 'duplicate':
      if (record.state !== 'sending') return refuse(record, event, 'only a record being sent is acknowledged');
      return { ...record, state: 'acknowledged', ackId: event.ackId, ackKind: 'duplicate', lastError: null, updatedAt: at };
    case 'retry':
      if (record.state !== 'sending') return refuse(record, event, 'only a record being sent is retried');
      return { ...record, state: 'pending', lastError: event.error, nextAttemptAt: event.nextAttemptAt, updatedAt: at };
    case 'refuse':
      if (record.state !== 'sending') return refuse(record, event, 'only the province refuses, in answer to a send');
      if (event.reason.trim() === '') return refuse(record, event, 'a refusal names its reason');
      return { ...record, state: 'refused', lastError: event.reason, updatedAt: at };
    case 'refuse-before-sending':
      if (record.state !== 'pending') return refuse(record, event, 'only a record not yet being sent is refused before sending');
      if (event.reason.trim() === '') return refuse(record, event, 'a refusal names its reason');
      return { ...record, state: 'refused', lastError: event.reason, updatedAt: at };
    case 'defer':
      // Not a send: no attempt counted. Only later than now, so a deferral always waits.
      if (record.state !== 'pending') return refuse(record, event, 'only a record not yet being sent is deferred');
      if (event.until <= at) return refuse(record, event, 'a deferral ends later than now');
      return { ...record, nextAttemptAt: event.until, lastError: event.reason, updatedAt: at };
    case 'requeue':
      if (record.state !== 'refused') return refuse(record, event, 'only a refused record is requeued');
      // The province's reason stays as the last error until the next answer replaces it.
      return { ...record, state: 'pending', nextAttemptAt: at, updatedAt: at };
  }
}

/** A new record, due at `dueAt`. */
export function newForwardRecord(outcomeId: string, destination: string, storedAt: number, dueAt: number): ForwardRecord {
  return { outcomeId, destination, state: 'pending', attempts: 0, nextAttemptAt: dueAt, lastError: null, ackId: null, ackKind: null, storedAt, updatedAt: storedAt };
}
