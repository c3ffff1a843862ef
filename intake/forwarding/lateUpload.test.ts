import { afterEach, describe, expect, it } from 'vitest';
import { forwardingFixture } from '../testing/forwardingFixture';
import { startFujianMock, type FujianMock } from '../../scripts/fujianMock';
import { createFujianAdapter } from './adapters/fujianSoapSm4';
import { createForwarder } from './forwarder';

const APP = { appKey: 'ak', appSecret: 'late-secret' };
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('补报: a late-upload run for a date range', () => {
  it('queues the ratings a destination never had, once, marked late; Fujian takes them through getEvaluationSupplement', async () => {
    let clock = Date.parse('2026-11-23T02:00:00Z');
    const now = () => clock;
    // Stored while no destination was configured: nothing queued.
    const f = forwardingFixture([], now);
    cleanups.push(() => f.store.close());
    await f.ready;
    const before = [f.item(5, { tags: ['510'] }), f.item(4, { tags: ['413'] })];
    await f.ingest(before);
    expect(await f.store.forwarding.due('fujian', Number.MAX_SAFE_INTEGER, 10)).toEqual([]);

    await f.store.forwarding.setDestinations([{ name: 'fujian', hallCode: 'h1' }]);
    clock += 60_000;
    const after = f.item(3);
    await f.ingest([after]);
    const day = (d: string) => Date.parse(`${d}T00:00:00+08:00`);
    // Another day's range takes nothing; the day of the ratings takes the two never queued, once.
    expect(await f.store.forwarding.enqueueLate('fujian', day('2026-11-22'), day('2026-11-23'), clock)).toBe(0);
    expect(await f.store.forwarding.enqueueLate('fujian', day('2026-11-23'), day('2026-11-24'), clock)).toBe(2);
    expect(await f.store.forwarding.enqueueLate('fujian', day('2026-11-23'), day('2026-11-24'), clock)).toBe(0);
    expect(await f.store.forwarding.enqueueLate('elsewhere', day('2026-11-23'), day('2026-11-24'), clock)).toBe(0);

    const mock: FujianMock = await startFujianMock({ ...APP, now });
    cleanups.push(() => mock.close());
    clock += 16 * 60_000;
    await createForwarder(f.store, { destinations: [{ name: 'fujian', adapter: createFujianAdapter({ baseUrl: mock.url, ...APP, now }), concurrency: 1, ratePerSec: 100, burst: 10 }], now }).runOnce();
    const late = new Map(mock.records.map((r) => [r.case.projectNo, r.late]));
    expect(Object.fromEntries(late)).toEqual({ [before[0]!.case.projectNo]: true, [before[1]!.case.projectNo]: true, [after.case.projectNo]: false });
    expect(mock.counts.supplement).toBe(2);
    const report = await f.store.forwarding.report(0, clock + 86_400_000, 480);
    expect(report).toEqual([{ day: '2026-11-23', destination: 'fujian', stored: 3, sent: 3, acknowledged: 3, refused: 0, pending: 0 }]);
  });
});
