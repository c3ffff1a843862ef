import { describe, expect, it } from 'vitest';
import { postgresStoreForFile } from '../../../scripts/pgTestDatabase';
import type { Invitation } from '../../../contract/invitation';
import { openedBefore, type FeedOpened } from '../../feed/invitationBus';
import { listenForInvitations } from './invitationBus';

const postgres = postgresStoreForFile();

const invitation = (id: string): Invitation =>
  ({ id, event: 'closed', case: { projectNo: id, taskCode: 'T1', taskName: '事项', deptName: '部门' }, staff: { loginName: 'w5', name: '王五' }, receivedAtMs: 1 }) as Invitation;

async function post(bus: Awaited<ReturnType<typeof listenForInvitations>>, id: string) {
  await postgres.store.invitations.insertIfNew({ id, deviceId: 'dev-1', eventKey: id, body: JSON.stringify(invitation(id)), createdAt: 1 });
  await bus.publish('dev-1', invitation(id));
}

const listening = async () => (await postgres.store.pool.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'")).rows;

async function until<T>(what: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await what();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the PostgreSQL invitation bus', () => {
  it('tells every bus of a feed opened on any, each with a time on the one clock of the database', { timeout: 20_000 }, async () => {
    const [a, b] = [await listenForInvitations(postgres.url, postgres.store.pool, postgres.store.invitations), await listenForInvitations(postgres.url, postgres.store.pool, postgres.store.invitations)];
    try {
      const heard: Array<[string, FeedOpened]> = [];
      a.onFeedOpened((opened) => heard.push(['a', opened]));
      b.onFeedOpened((opened) => heard.push(['b', opened]));
      const first = await a.feedOpened('dev-1', 'feed-1');
      const second = await b.feedOpened('dev-1', 'feed-2');
      expect(second).toBeGreaterThan(first);
      await until(async () => (heard.length === 4 ? true : undefined));
      expect(heard.sort((x, y) => x[0].localeCompare(y[0]) || x[1].at - y[1].at)).toEqual([
        ['a', { deviceId: 'dev-1', feedId: 'feed-1', at: first }],
        ['a', { deviceId: 'dev-1', feedId: 'feed-2', at: second }],
        ['b', { deviceId: 'dev-1', feedId: 'feed-1', at: first }],
        ['b', { deviceId: 'dev-1', feedId: 'feed-2', at: second }],
      ]);
      expect([openedBefore({ feedId: 'feed-1', at: first }, { feedId: 'feed-2', at: second }), openedBefore({ feedId: 'feed-2', at: second }, { feedId: 'feed-1', at: first })]).toEqual([true, false]);
      // The same moment: the feed ids decide, alike on every node.
      expect([openedBefore({ feedId: 'x', at: 5 }, { feedId: 'y', at: 5 }), openedBefore({ feedId: 'y', at: 5 }, { feedId: 'x', at: 5 })]).toEqual([true, false]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('hands a published invitation to the subscribers of its device on every bus, and listens again after losing its connection, handing on what was announced meanwhile', { timeout: 20_000 }, async () => {
    const logged: string[] = [];
    const [a, b] = [await listenForInvitations(postgres.url, postgres.store.pool, postgres.store.invitations, (m) => logged.push(m)), await listenForInvitations(postgres.url, postgres.store.pool, postgres.store.invitations)];
    try {
      const onA: string[] = [];
      const onOtherDevice: string[] = [];
      let heardAgain = 0;
      a.onHeardAgain(() => heardAgain++);
      a.subscribe('dev-1', (i) => onA.push(i.id));
      a.subscribe('dev-2', (i) => onOtherDevice.push(i.id));
      await post(b, 'inv-1');
      await until(async () => (onA.length === 1 ? true : undefined));
      expect(onA).toEqual(['inv-1']);

      // The server ends every listening connection (a restart, a failover): the buses listen again.
      const before = await listening();
      expect(before).toHaveLength(2);
      await postgres.store.pool.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [before.map((r) => r.pid)]);
      await until(async () => {
        const now = await listening();
        return now.length === 2 && now.every((r) => !before.some((b) => b.pid === r.pid)) ? true : undefined;
      });
      await post(b, 'inv-2');
      await until(async () => (onA.includes('inv-2') ? true : undefined));
      // Listening again, it says so: feeds opened elsewhere meanwhile went unheard.
      expect(heardAgain).toBe(1);
      // inv-1 was never acknowledged: it may come again once the bus listens again, as on a feed's reconnect.
      expect([...new Set(onA)]).toEqual(['inv-1', 'inv-2']);
      expect(onOtherDevice).toEqual([]);
      expect(logged.some((m) => m.includes('reconnecting'))).toBe(true);

      // Announced while no bus listens: each hands its feeds what is pending once it listens again.
      const listeners = await listening();
      await postgres.store.pool.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [listeners.map((r) => r.pid)]);
      await until(async () => ((await listening()).length === 0 ? true : undefined));
      await post(b, 'inv-3');
      await until(async () => (onA.includes('inv-3') ? true : undefined));
      expect([...new Set(onA)]).toEqual(['inv-1', 'inv-2', 'inv-3']);
      expect(onOtherDevice).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('listens no more once closed, even when it closes while waiting to reconnect', async () => {
    const bus = await listenForInvitations(postgres.url, postgres.store.pool, postgres.store.invitations);
    const mine = await listening();
    expect(mine).toHaveLength(1);
    await postgres.store.pool.query('SELECT pg_terminate_backend($1)', [mine[0]!.pid]);
    await until(async () => ((await listening()).length === 0 ? true : undefined));
    await bus.close();
    // Past the reconnect delay (1 s): a timer left behind would have opened a listener the bus no longer closes.
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(await listening()).toEqual([]);
  });
});
