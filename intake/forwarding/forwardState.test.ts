import { describe, expect, it } from 'vitest';
import { ForwardTransitionError, newForwardRecord, transition, type ForwardEvent, type ForwardRecord } from './forwardState';

const pending = newForwardRecord('o1', 'fujian', 1_000, 1_000);
const claim: ForwardEvent = { type: 'claim', at: 2_000, leaseMs: 30_000 };
const sending = transition(pending, claim);

describe('forwarding record state machine', () => {
  it('pending → sending on a claim when due: one more attempt, the lease as its deadline', () => {
    expect(sending).toMatchObject({ state: 'sending', attempts: 1, nextAttemptAt: 32_000, updatedAt: 2_000 });
    expect(() => transition(newForwardRecord('o1', 'fujian', 1_000, 5_000), claim)).toThrow(ForwardTransitionError);
  });

  it('sending → sending again only once the lease ran out (the intake stopped mid-send)', () => {
    expect(() => transition(sending, { type: 'claim', at: 31_999, leaseMs: 30_000 })).toThrow(/not due/);
    expect(transition(sending, { type: 'claim', at: 32_000, leaseMs: 30_000 })).toMatchObject({ state: 'sending', attempts: 2, nextAttemptAt: 62_000 });
  });

  it('sending → acknowledged with the province id; an empty id is no acknowledgement', () => {
    expect(transition(sending, { type: 'ack', at: 3_000, ackId: 'FJ-1' })).toMatchObject({ state: 'acknowledged', ackId: 'FJ-1', ackKind: 'accepted', lastError: null });
    expect(() => transition(sending, { type: 'ack', at: 3_000, ackId: ' ' })).toThrow(/without the province id/);
    expect(() => transition(pending, { type: 'ack', at: 3_000, ackId: 'FJ-1' })).toThrow(ForwardTransitionError);
  });

  it('sending → acknowledged when the province says it already has the record', () => {
    expect(transition(sending, { type: 'duplicate', at: 3_000, ackId: null })).toMatchObject({ state: 'acknowledged', ackId: null, ackKind: 'duplicate' });
    expect(transition(sending, { type: 'duplicate', at: 3_000, ackId: 'FJ-9' })).toMatchObject({ ackId: 'FJ-9' });
    expect(() => transition(pending, { type: 'duplicate', at: 3_000, ackId: null })).toThrow(ForwardTransitionError);
  });

  it('sending → pending on a retry, keeping the attempts and the error', () => {
    const retried = transition(sending, { type: 'retry', at: 3_000, error: 'HTTP 503', nextAttemptAt: 9_000 });
    expect(retried).toMatchObject({ state: 'pending', attempts: 1, lastError: 'HTTP 503', nextAttemptAt: 9_000 });
    expect(() => transition(pending, { type: 'retry', at: 3_000, error: 'x', nextAttemptAt: 9_000 })).toThrow(ForwardTransitionError);
  });

  it('sending → refused with the province reason; a refusal without a reason is not taken', () => {
    expect(transition(sending, { type: 'refuse', at: 3_000, reason: '评价时间早于办件时间' })).toMatchObject({ state: 'refused', lastError: '评价时间早于办件时间' });
    expect(() => transition(sending, { type: 'refuse', at: 3_000, reason: '' })).toThrow(/names its reason/);
    expect(() => transition(pending, { type: 'refuse', at: 3_000, reason: 'x' })).toThrow(ForwardTransitionError);
  });

  it('pending → refused before sending (a rule at forward time), never from sending', () => {
    expect(transition(pending, { type: 'refuse-before-sending', at: 3_000, reason: 'rated before its case' })).toMatchObject({ state: 'refused', attempts: 0 });
    expect(() => transition(sending, { type: 'refuse-before-sending', at: 3_000, reason: 'x' })).toThrow(ForwardTransitionError);
  });

  it('refused → pending on a requeue, due at once; nothing else is requeued', () => {
    const refused = transition(sending, { type: 'refuse', at: 3_000, reason: 'unknown code 999' });
    expect(transition(refused, { type: 'requeue', at: 4_000 })).toMatchObject({ state: 'pending', nextAttemptAt: 4_000, lastError: 'unknown code 999' });
    for (const record of [pending, sending]) expect(() => transition(record, { type: 'requeue', at: 4_000 })).toThrow(ForwardTransitionError);
  });

  it('acknowledged is final: every event is refused', () => {
    const acked: ForwardRecord = transition(sending, { type: 'ack', at: 3_000, ackId: 'FJ-1' });
    const events: ForwardEvent[] = [
      { type: 'claim', at: 99_000_000, leaseMs: 1 },
      { type: 'ack', at: 4_000, ackId: 'FJ-2' },
      { type: 'duplicate', at: 4_000, ackId: null },
      { type: 'retry', at: 4_000, error: 'x', nextAttemptAt: 5_000 },
      { type: 'refuse', at: 4_000, reason: 'x' },
      { type: 'refuse-before-sending', at: 4_000, reason: 'x' },
      { type: 'requeue', at: 4_000 },
    ];
    for (const event of events) expect(() => transition(acked, event), event.type).toThrow(ForwardTransitionError);
  });

  it('pending → pending deferred to a later time, no attempt counted (a default rating waits out the citizen window)', () => {
    expect(transition(pending, { type: 'defer', at: 2_000, until: 9_000, reason: 'waits' })).toMatchObject({ state: 'pending', attempts: 0, nextAttemptAt: 9_000, lastError: 'waits', updatedAt: 2_000 });
    expect(() => transition(pending, { type: 'defer', at: 2_000, until: 2_000, reason: 'waits' })).toThrow(/later than now/);
    expect(() => transition(sending, { type: 'defer', at: 2_000, until: 9_000, reason: 'waits' })).toThrow(ForwardTransitionError);
  });
});
