import { afterEach, describe, expect, it } from 'vitest';
import { outcomeColumns } from '../integrity/storedOutcome';
import { DETAILS_SETTLE_MS, queueStoredRating } from './enqueue';
import { transition } from './forwardState';
import { forwardingFixture } from '../testing/forwardingFixture';

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

async function fixture(destinations = ['fujian', 'audit']) {
  const f = forwardingFixture(destinations, () => 1_000_000);
  opened.push(f.store);
  await f.ready;
  return f;
}

describe('forwarding queue', () => {
  it('queues each stored rating once per destination of its hall, in the ingest transaction; amendments and second endings are not ratings', async () => {
    const f = await fixture();
    const press = f.item(1, { tags: [] });
    const details = f.item(1, { invitationId: press.invitationId, tags: ['213'], comment: '等太久', amends: { outcomeId: press.id, kind: 'details' } });
    const second = f.item(4, { invitationId: press.invitationId });
    const unrated = f.item(5, { outcome: 'unrated', level: undefined, tags: [], input: { method: 'none', inviteToPressMs: null } });
    const { outcomes, results } = await f.ingest([press, details, second, unrated]);
    expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    const rows = f.store.db.prepare('SELECT outcome_id, destination, state, next_attempt_at, stored_at FROM forward_queue ORDER BY outcome_id, destination').all();
    expect(rows).toEqual(
      [press.id, unrated.id].flatMap((id) => ['audit', 'fujian'].map((destination) => ({ outcome_id: id, destination, state: 'pending', next_attempt_at: 1_000_000 + DETAILS_SETTLE_MS, stored_at: 1_000_000 }))),
    );
    // Not due before the details may still come; then the press goes with its details.
    expect(await f.store.forwarding.due('fujian', 1_000_000 + DETAILS_SETTLE_MS - 1, 10)).toEqual([]);
    const due = await f.store.forwarding.due('fujian', 1_000_000 + DETAILS_SETTLE_MS, 10);
    expect(due.map((d) => d.outcomeId).sort()).toEqual([press.id, unrated.id].sort());
    const pressDue = due.find((d) => d.outcomeId === press.id)!;
    expect(JSON.parse(pressDue.details!)).toMatchObject({ id: details.id, comment: '等太久' });
    expect(pressDue).toMatchObject({ hallCode: 'h1', merge: 'rating', attempts: 0 });
    // A resend of the same batch adds nothing.
    await f.ingest([]);
    expect(await f.store.forwarding.enqueue(outcomes[0]!.id, 'h1', 1, 1)).toBe(0);
  });

  it('queues nothing when the storing transaction rolls back', async () => {
    const f = await fixture(['fujian']);
    const { outcomes } = await f.ingest([f.item(5)]);
    const other = { ...outcomes[0]!, id: '019a0000-0000-7000-8000-00000000abcd' };
    await expect(
      f.store.transaction(async (tx) => {
        await tx.outcomes.insert({ id: other.id, deviceId: 'dev-1', bodyHash: 'x', body: JSON.stringify(other), receivedAt: 5, trusted: true, merge: 'rating', columns: outcomeColumns(other) });
        await queueStoredRating(tx, 'rating', other.id, 'h1', 5);
        expect(await tx.forwarding.get(other.id, 'fujian')).toMatchObject({ state: 'pending' });
        throw new Error('the store failed after the insert');
      }),
    ).rejects.toThrow('the store failed');
    expect(await f.store.forwarding.get(other.id, 'fujian')).toBeUndefined();
    expect(await f.store.forwarding.get(outcomes[0]!.id, 'fujian')).toMatchObject({ state: 'pending' });
  });

  it('writes a state change only over the row it was computed from', async () => {
    const f = await fixture(['fujian']);
    const { outcomes } = await f.ingest([f.item(5)]);
    const row = (await f.store.forwarding.get(outcomes[0]!.id, 'fujian'))!;
    const claimed = transition(row, { type: 'claim', at: row.nextAttemptAt, leaseMs: 60_000 });
    expect(await f.store.forwarding.save(row, claimed)).toBe(true);
    // A second claimer holding the old row loses.
    expect(await f.store.forwarding.save(row, transition(row, { type: 'claim', at: row.nextAttemptAt + 1, leaseMs: 60_000 }))).toBe(false);
    const acked = transition(claimed, { type: 'ack', at: claimed.updatedAt + 5, ackId: 'FJ-1' });
    expect(await f.store.forwarding.save(claimed, acked)).toBe(true);
    expect(await f.store.forwarding.get(row.outcomeId, 'fujian')).toEqual(acked);
    expect(await f.store.forwarding.due('fujian', Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    // The database itself refuses an acknowledged row without its acknowledgement.
    expect(() => f.store.db.prepare("UPDATE forward_queue SET state = 'pending', ack_kind = NULL").run()).not.toThrow();
    expect(() => f.store.db.prepare("UPDATE forward_queue SET state = 'acknowledged', ack_kind = NULL").run()).toThrow(/CHECK/);
  });

  it('reports per day in the zone asked for and per destination', async () => {
    const f = await fixture(['fujian', 'audit']);
    const { outcomes } = await f.ingest([f.item(5), f.item(4), f.item(2)]);
    const [a, b] = outcomes.map((o) => o.id);
    const rowA = (await f.store.forwarding.get(a!, 'fujian'))!;
    const sendingA = transition(rowA, { type: 'claim', at: rowA.nextAttemptAt, leaseMs: 1 });
    await f.store.forwarding.save(rowA, sendingA);
    await f.store.forwarding.save(sendingA, transition(sendingA, { type: 'ack', at: sendingA.updatedAt, ackId: 'FJ-1' }));
    const rowB = (await f.store.forwarding.get(b!, 'fujian'))!;
    await f.store.forwarding.save(rowB, transition(rowB, { type: 'refuse-before-sending', at: rowB.updatedAt + 1, reason: 'rated before its case' }));
    // Stored at 1_000_000 ms: 1970-01-01 00:16 UTC, 08:16 Beijing; with -60 minutes it is the day before.
    expect(await f.store.forwarding.report(0, 2_000_000, 480)).toEqual([
      { day: '1970-01-01', destination: 'audit', stored: 3, sent: 0, acknowledged: 0, refused: 0, pending: 3 },
      { day: '1970-01-01', destination: 'fujian', stored: 3, sent: 1, acknowledged: 1, refused: 1, pending: 1 },
    ]);
    expect((await f.store.forwarding.report(0, 2_000_000, -60)).map((r) => r.day)).toEqual(['1969-12-31', '1969-12-31']);
    expect(await f.store.forwarding.report(1_000_001, 2_000_000, 480)).toEqual([]);
    expect((await f.store.forwarding.list('refused', null, 10)).map((r) => [r.outcomeId, r.lastError])).toEqual([[b, 'rated before its case']]);
  });
});
