import { afterEach, describe, expect, it } from 'vitest';
import { forwardingFixture } from '../testing/forwardingFixture';
import { createFujianAdapter } from './adapters/fujianSoapSm4';
import { createForwarder, type Destination } from './forwarder';
import { transition } from './forwardState';
import { startFujianMock, type FujianMock } from '../../scripts/fujianMock';

const APP = { appKey: 'hall-app-1', appSecret: 'fault-suite-secret' };
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** One seeded run: ratings stored, the forwarder against a faulty mock, a restart mid-forward, token expiry. */
async function run(seed: number) {
  let clock = Date.parse('2026-11-23T02:30:00Z');
  const now = () => clock;
  const f = forwardingFixture(['fujian'], now);
  cleanups.push(() => f.store.close());
  await f.ready;
  const mock: FujianMock = await startFujianMock({ ...APP, seed, errorRate: 0.25, lostReplyRate: 0.15, tokenTtlSec: 3600, refreshTtlSec: 7200, now });
  cleanups.push(() => mock.close());
  const destination = (): Destination => ({ name: 'fujian', adapter: createFujianAdapter({ baseUrl: mock.url, ...APP, now, timeoutMs: 5_000 }), concurrency: 3, ratePerSec: 1_000, burst: 10 });
  const tagOf = { 1: ['115'], 2: ['213'], 3: [], 4: ['413'], 5: ['510', '517'] } as const;
  const rated = Array.from({ length: 16 }, (_, i) => {
    const level = ((i % 5) + 1) as 1 | 2 | 3 | 4 | 5;
    return f.item(level, { ratedAt: '2026-11-23T10:00:00.000+08:00', tags: [...tagOf[level]] });
  });
  // Rated (10:00 Beijing) before its case was accepted (10:30): refused before sending, never shifted.
  const early = f.item(5, { case: { ...rated[0]!.case, projectNo: `EARLY-${seed}`, acceptDate: '2026-11-23 10:30:00' } });
  // A 差评 with neither reason code nor text: the province refuses it.
  const noReason = f.item(1, { tags: [] });
  const { results } = await f.ingest([...rated, early, noReason]);
  expect(results.every((r) => r.status === 'accepted')).toBe(true);
  clock += 20 * 60_000;

  // The intake dies mid-forward: one record claimed and sent, its answer never written.
  const [first] = await f.store.forwarding.due('fujian', clock, 1);
  const claimed = transition(first!, { type: 'claim', at: clock, leaseMs: 5 * 60_000 });
  expect(await f.store.forwarding.save(first!, claimed)).toBe(true);
  const crashedOutcome = rated.find((r) => r.id === first!.outcomeId);
  if (crashedOutcome) {
    const { readStoredOutcome } = await import('../integrity/storedOutcome');
    const body = readStoredOutcome(first!.body);
    if (body.ok) await destination().adapter.send(body.outcome);
  }

  // A new forwarder (a restarted intake: no token in memory) runs until nothing is left.
  let forwarder = createForwarder(f.store, { destinations: [destination()], now, random: () => 0.5, leaseMs: 5 * 60_000, backoff: { baseMs: 1_000, capMs: 60_000 } });
  for (let pass = 0; pass < 60; pass++) {
    await forwarder.runOnce();
    if (pass === 3) mock.expireTokens();
    if (pass === 6) forwarder = createForwarder(f.store, { destinations: [destination()], now, random: () => 0.5, leaseMs: 5 * 60_000 });
    // Past any backoff and the lease; every 20 passes past the token's life (the refresh path).
    clock += pass % 20 === 19 ? 3_700_000 : 6 * 60_000;
    if ((await f.store.forwarding.list('pending', null, 1)).length + (await f.store.forwarding.list('sending', null, 1)).length === 0) break;
  }
  return { f, mock, rated, early, noReason };
}

describe('forwarding to the Fujian mock under faults', () => {
  it('puts every stored rating at the province exactly once, or in the refused list with a reason (8 seeded runs)', async () => {
    const totals = { errors: 0, lostReplies: 0, duplicates: 0, expiredToken: 0, refresh: 0, token: 0 };
    for (let seed = 1; seed <= 8; seed++) {
      const { f, mock, rated, early, noReason } = await run(seed);
      const rows = f.store.db.prepare("SELECT outcome_id, state, ack_id, ack_kind, last_error FROM forward_queue WHERE destination = 'fujian'").all() as Array<{
        outcome_id: string;
        state: string;
        ack_id: string | null;
        ack_kind: string | null;
        last_error: string | null;
      }>;
      expect(rows).toHaveLength(18);
      const byStage = new Map(mock.records.map((r) => [r.case.projectNo, r]));
      // Exactly once at the province: one record per case stage, as many as we acknowledged.
      expect(new Set(mock.records.map((r) => `${r.case.projectNo}|${r.case.proStatus}`)).size, `seed ${seed}`).toBe(mock.records.length);
      for (const row of rows) {
        const outcome = [...rated, early, noReason].find((o) => o.id === row.outcome_id)!;
        const atProvince = byStage.get(outcome.case.projectNo);
        if (row.outcome_id === early.id) {
          expect(row).toMatchObject({ state: 'refused', last_error: 'evaluateTime 2026-11-23 10:00:00 is before acceptDate 2026-11-23 10:30:00' });
          expect(atProvince).toBeUndefined();
        } else if (row.outcome_id === noReason.id) {
          expect(row).toMatchObject({ state: 'refused', last_error: '400 差评须填写原因' });
          expect(atProvince).toBeUndefined();
        } else {
          expect(row.state, `seed ${seed} ${row.outcome_id}: ${row.last_error}`).toBe('acknowledged');
          expect(atProvince?.unid).toBeDefined();
          // A lost reply is acknowledged by the province's "already evaluated" with its own id.
          expect(row.ack_id).toBe(atProvince!.unid);
          expect(atProvince!.case.alternate).toBe(String(outcome.level));
          expect(atProvince!.case.evaluateTime).toBe('2026-11-23 10:00:00');
        }
      }
      expect(mock.records).toHaveLength(16);
      for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += mock.counts[key];
    }
    // The faults really happened.
    expect(totals.errors).toBeGreaterThan(0);
    expect(totals.lostReplies).toBeGreaterThan(0);
    expect(totals.duplicates).toBeGreaterThan(0);
    expect(totals.expiredToken).toBeGreaterThan(0);
    console.log(`fault suite: ${JSON.stringify(totals)}`);
  }, 120_000);
});
