import { afterEach, describe, expect, it } from 'vitest';
import { forwardingFixture } from '../testing/forwardingFixture';
import { startZhejiangMock, type ZhejiangMock } from '../../scripts/zhejiangMock';
import { createZhejiangAdapter } from './adapters/zhejiangForm';
import { createForwarder, type Destination } from './forwarder';
import { forwardingFromEnv } from './fromEnv';

const LOGIN = { loginName: 'hall-1', loginPwd: 'default-pw' };
const DAY = 86_400_000;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setUp(defaultRating?: Destination['defaultRating']) {
  let clock = Date.parse('2026-11-23T02:30:00Z');
  const f = forwardingFixture(['zhejiang'], () => clock);
  cleanups.push(() => f.store.close());
  await f.ready;
  const mock: ZhejiangMock = await startZhejiangMock({ ...LOGIN, now: () => clock });
  cleanups.push(() => mock.close());
  const rated = f.item(4, { tags: ['413'] });
  const unrated = f.item(5, { outcome: 'unrated', level: undefined, tags: [] });
  const { results } = await f.ingest([rated, unrated]);
  expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
  const destination: Destination = { name: 'zhejiang', adapter: createZhejiangAdapter({ baseUrl: mock.url, ...LOGIN, now: () => clock }), concurrency: 1, ratePerSec: 100, burst: 10, ...(defaultRating ? { defaultRating } : {}) };
  const forwarder = createForwarder(f.store, { destinations: [destination], now: () => clock });
  return { f, mock, rated, unrated, forwarder, advance: (ms: number) => (clock += ms) };
}

describe('default ratings for unrated cases, only where the province requires them', () => {
  it('without the switch an unrated ending is listed as refused before sending, with the reason; the rating goes', async () => {
    const { f, mock, rated, unrated, forwarder, advance } = await setUp();
    advance(20 * 60_000);
    await forwarder.runOnce();
    expect(mock.records.map((r) => r.record.projectNo)).toEqual([rated.case.projectNo]);
    expect(await f.store.forwarding.get(unrated.id, 'zhejiang')).toMatchObject({
      state: 'refused',
      attempts: 0,
      lastError: 'the invitation ended unrated: no rating by the citizen, and zhejiang is not configured to send a default rating (only where the province requires one)',
    });
  });

  it('with the switch it waits out the citizen window, then goes as pf 7 系统默认评价 at the configured level, never as the citizen channel', async () => {
    const { f, mock, unrated, forwarder, advance } = await setUp({ level: 5, afterMs: 7 * DAY });
    advance(20 * 60_000);
    await forwarder.runOnce();
    expect(mock.records).toHaveLength(1);
    const waiting = await f.store.forwarding.get(unrated.id, 'zhejiang');
    expect(waiting).toMatchObject({ state: 'pending', attempts: 0, lastError: expect.stringContaining("the province's default rating is sent once the citizen's window is over") });
    expect(waiting!.nextAttemptAt).toBe(waiting!.storedAt + 7 * DAY);
    advance(7 * DAY);
    await forwarder.runOnce();
    const sent = mock.records.find((r) => r.record.projectNo === unrated.case.projectNo);
    expect(sent?.record).toMatchObject({ pf: '7', satisfaction: '5', assessNumber: '1' });
    expect(await f.store.forwarding.get(unrated.id, 'zhejiang')).toMatchObject({ state: 'acknowledged', ackId: sent!.unid });
  });

  it('is refused at start for an interface with no code that marks a system default, and for a level out of range', async () => {
    const f = forwardingFixture([]);
    cleanups.push(() => f.store.close());
    const env = { FORWARD_DESTINATIONS: 'fujian', FORWARD_FUJIAN_URL: 'http://127.0.0.1:9', FORWARD_FUJIAN_APP_KEY: 'k', FORWARD_FUJIAN_APP_SECRET: 's', FORWARD_FUJIAN_DEFAULT_RATING: '5' };
    await expect(forwardingFromEnv(f.store, env, Date.now, () => undefined)).rejects.toThrow('the fujian-soap-sm4 interface has no code that marks a system default rating');
    const zj = { FORWARD_DESTINATIONS: 'zj', FORWARD_ZJ_STYLE: 'zhejiang-form', FORWARD_ZJ_URL: 'http://127.0.0.1:9', FORWARD_ZJ_LOGIN_NAME: 'n', FORWARD_ZJ_LOGIN_PWD: 'p' };
    await expect(forwardingFromEnv(f.store, { ...zj, FORWARD_ZJ_DEFAULT_RATING: '6' }, Date.now, () => undefined)).rejects.toThrow('a level 1–5');
    expect(await forwardingFromEnv(f.store, { ...zj, FORWARD_ZJ_DEFAULT_RATING: '5' }, Date.now, () => undefined)).not.toBeNull();
  });
});
