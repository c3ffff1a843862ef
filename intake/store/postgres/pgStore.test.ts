import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, emptyDatabase } from '../../../scripts/pgTestDatabase';
import { describeStoreSuite } from '../storeSuite';
import type { NewOutcomeRow } from '../store';
import { PG_SCHEMA_VERSION } from './migrations';
import { COUNT_SHARDS } from './migrations/008-dashboard-count-shards';
import { TURN_SHARD } from './migrations/010-ticket-turn-count-shard';
import { monthRange } from './outcomePartitions';
import { openPostgresStore, type PostgresStore } from './postgresStore';

let database: { url: string; drop(): Promise<void> };
const opened: PostgresStore[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
  await database?.drop();
});

/** A store on an emptied database: every table truncated, the schema left as migrated. */
async function emptied(connections?: number): Promise<PostgresStore> {
  const store = await openPostgresStore(database.url, connections === undefined ? {} : { maxConnections: connections });
  await emptyDatabase(database.url);
  return store;
}

describeStoreSuite('PostgreSQL', () => emptied());

/** A promise and what resolves it: one step of a test tells another it is done. */
function signal(): { promise: Promise<void>; done: () => void } {
  let done!: () => void;
  const promise = new Promise<void>((resolve) => (done = resolve));
  return { promise, done };
}

/** Resolves after `ms`: a transaction that waits for another gives up after a while (it then committed second, and its test fails). */
const giveUpAfter = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const INCREMENT = { period: 'day' as const, hallCode: 'h1', dim: 'hall' as const, at: '2026-11-20', key: 'h1', label: 'h1', counts: [1, 1, 0, 0, 0, 0, 0, 0, 0] };

describe('the PostgreSQL engine', () => {
  it('ingests the same outcome from two concurrent transactions exactly once', async () => {
    const store = await emptied();
    opened.push(store);
    await store.devices.setKey('dev-0', 'k', 1, 'h1');
    const ingest = (batch: string) =>
      store.transaction(async (tx) => {
        await tx.devices.keyHistory('dev-0');
        if ((await tx.outcomes.bodyHash('o-1')) !== undefined) return `${batch}: duplicate`;
        // Both transactions have read "not stored" by now if nothing keeps them apart.
        await new Promise((resolve) => setTimeout(resolve, 50));
        await tx.outcomes.insert(row('o-1'));
        await tx.dashboard.addCounts([{ period: 'day', hallCode: 'h1', dim: 'hall', at: '2026-11-20', key: 'h1', label: 'h1', counts: [1, 0, 1, 0, 0, 0, 0, 0, 0] }]);
        return `${batch}: accepted`;
      });
    const answers = await Promise.all([ingest('a'), ingest('b')]);
    expect(answers.sort()).toEqual(['a: accepted', 'b: duplicate']);
    expect(await store.outcomes.count('dev-0')).toBe(1);
    const [counts] = await store.dashboard.counts({ hall: 'h1', by: 'hall', from: '2026-11-20', to: '2026-11-20', bucket: 'day' });
    expect(counts?.total).toBe(1);
  });

  it('runs a transaction again when another one committed its key first (no row lock kept them apart)', async () => {
    const store = await emptied();
    opened.push(store);
    let runs = 0;
    let notStored = 0;
    const [bothRead, aInserted] = [signal(), signal()];
    const ingest = (batch: string) =>
      store.transaction(async (tx) => {
        runs++;
        if ((await tx.outcomes.bodyHash('o-2')) !== undefined) return `${batch}: duplicate`;
        // Both have read "not stored" before either inserts (whatever the machine's load), and a inserts
        // first: b's insert meets a's key, waits for a's commit, and b runs again.
        if (++notStored === 2) bothRead.done();
        await bothRead.promise;
        if (batch === 'b') await aInserted.promise;
        await tx.outcomes.insert(row('o-2'));
        if (batch === 'a') aInserted.done();
        return `${batch}: accepted`;
      });
    expect((await Promise.all([ingest('a'), ingest('b')])).sort()).toEqual(['a: accepted', 'b: duplicate']);
    expect(runs).toBe(3);
    expect(await store.outcomes.count('dev-0')).toBe(1);
  });

  it('gives up on a clash that does not go away, with the database error', async () => {
    const store = await emptied();
    opened.push(store);
    await store.outcomes.insert(row('o-3'));
    let runs = 0;
    await expect(
      store.transaction(async (tx) => {
        runs++;
        await tx.outcomes.insert(row('o-3'));
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(runs).toBe(5);
  });

  it('adds concurrent dashboard increments without losing one', async () => {
    const store = await emptied();
    opened.push(store);
    const increment = INCREMENT;
    await Promise.all(Array.from({ length: 20 }, () => store.transaction((tx) => tx.dashboard.addCounts([increment]))));
    const [counts] = await store.dashboard.counts({ hall: 'h1', by: 'hall', from: '2026-11-20', to: '2026-11-20', bucket: 'day' });
    expect(counts).toMatchObject({ total: 20, l1: 20 });
  });

  it('lets two batches add to one count key at once: neither waits for the other to commit (migration 008)', async () => {
    const store = await emptied();
    opened.push(store);
    const increment = INCREMENT;
    const order: string[] = [];
    const [firstAdded, secondCommitted] = [signal(), signal()];
    const first = store.transaction(async (tx) => {
      await tx.dashboard.addCounts([increment]);
      firstAdded.done();
      // Holds its row locks until the second batch has committed, or gives up after a while (one row: the second waited for this commit).
      await Promise.race([secondCommitted.promise, giveUpAfter(3000)]);
      order.push('first commits');
    });
    await firstAdded.promise;
    await store.transaction((tx) => tx.dashboard.addCounts([increment]));
    order.push('second committed');
    secondCommitted.done();
    await first;
    expect(order).toEqual(['second committed', 'first commits']);
    const [counts] = await store.dashboard.counts({ hall: 'h1', by: 'hall', from: '2026-11-20', to: '2026-11-20', bucket: 'day' });
    expect(counts).toMatchObject({ total: 2, l1: 2 });
  });

  it('keeps a transaction’s counts on one shard, so two that count twice never cross (migration 010)', async () => {
    const store = await emptied();
    opened.push(store);
    const increment = INCREMENT;
    const elsewhere = { ...increment, hallCode: 'h2', key: 'h2' };
    const [firstCounted, secondMovedOn] = [signal(), signal()];
    const runs = { first: 0, second: 0 };
    // Shards are handed out one call after another: the first transaction counts on shard s, the
    // second on s+1; fourteen other calls bring the next call back to s, so the second's next count
    // would meet the first's row and the first's next count the second's.
    const first = store.transaction(async (tx) => {
      runs.first++;
      await tx.dashboard.addCounts([increment]);
      firstCounted.done();
      await secondMovedOn.promise;
      await tx.dashboard.addCounts([increment]);
    });
    await firstCounted.promise;
    const second = store.transaction(async (tx) => {
      runs.second++;
      await tx.dashboard.addCounts([increment]);
      for (let i = 0; i < COUNT_SHARDS - 2; i++) await store.dashboard.addCounts([elsewhere]);
      secondMovedOn.done();
      await tx.dashboard.addCounts([increment]);
    });
    await Promise.all([first, second]);
    // A deadlock is broken by PostgreSQL and the transaction runs again.
    expect(runs).toEqual({ first: 1, second: 1 });
    const [counts] = await store.dashboard.counts({ hall: 'h1', by: 'hall', from: '2026-11-20', to: '2026-11-20', bucket: 'day' });
    expect(counts).toMatchObject({ total: 4, l1: 4 });
    expect((await store.pool.query("SELECT DISTINCT shard FROM dashboard_daily WHERE key = 'h1'")).rows).toHaveLength(2);
  });

  it('never makes the ticket turn’s holder wait on a count row: what it counts goes to the turn’s own shard (migration 010)', async () => {
    // A connection for each shard's batch and one for the turn's holder.
    const store = await emptied(COUNT_SHARDS + 2);
    opened.push(store);
    const increment = INCREMENT;
    const order: string[] = [];
    const holderCommitted = signal();
    // Batches holding the key's row in every shard of step 8 (a transaction keeps one shard: one batch each), then waiting (as batches wait for the turn).
    const counted = Array.from({ length: COUNT_SHARDS }, () => signal());
    const counting = counted.map((added) =>
      store.transaction(async (tx) => {
        await tx.dashboard.addCounts([increment]);
        added.done();
        await Promise.race([holderCommitted.promise, giveUpAfter(3000)]);
        order.push('counting batch commits');
      }),
    );
    await Promise.all(counted.map((added) => added.promise));
    await store.transaction(async (tx) => {
      await tx.tickets.lastAction();
      await tx.dashboard.addCounts([increment]);
    });
    order.push('turn holder committed');
    holderCommitted.done();
    await Promise.all(counting);
    expect(order).toEqual(['turn holder committed', ...Array(COUNT_SHARDS).fill('counting batch commits')]);
    // Every shard of step 8 was held, and the holder's count is on the turn's own.
    expect((await store.pool.query("SELECT DISTINCT shard FROM dashboard_daily WHERE key = 'h1'")).rows).toHaveLength(COUNT_SHARDS + 1);
    const [counts] = await store.dashboard.counts({ hall: 'h1', by: 'hall', from: '2026-11-20', to: '2026-11-20', bucket: 'day' });
    expect(counts).toMatchObject({ total: COUNT_SHARDS + 1, l1: COUNT_SHARDS + 1 });
    // The follow-up trigger's shard: the connection's outside the turn, the turn's inside it, until the transaction ends.
    const client = await store.pool.connect();
    try {
      const shard = async () => (await client.query<{ s: number }>('SELECT dashboard_count_shard() AS s')).rows[0]?.s;
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await client.query('BEGIN');
      expect(await shard()).toBe(pid % COUNT_SHARDS);
      await client.query('SELECT * FROM ticket_log_head()');
      expect(await shard()).toBe(TURN_SHARD);
      await client.query('ROLLBACK');
      expect(await shard()).toBe(pid % COUNT_SHARDS);
    } finally {
      client.release();
    }
  });

  it('gives two forwarders in transactions disjoint records (FOR UPDATE SKIP LOCKED)', async () => {
    const store = await emptied();
    opened.push(store);
    await store.forwarding.setDestinations([{ name: 'province', hallCode: '*' }]);
    for (const id of ['r-1', 'r-2', 'r-3', 'r-4']) {
      await store.outcomes.insert(row(id));
      await store.forwarding.enqueue(id, 'h1', RECEIVED, 1);
    }
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstClaimed: () => void = () => undefined;
    const claimedByFirst = new Promise<void>((resolve) => (firstClaimed = resolve));
    const first = store.transaction(async (tx) => {
      const due = await tx.forwarding.due('province', 10, 2);
      firstClaimed();
      await held;
      return due.map((d) => d.outcomeId);
    });
    await claimedByFirst;
    const second = await store.transaction(async (tx) => (await tx.forwarding.due('province', 10, 2)).map((d) => d.outcomeId));
    release();
    expect(await first).toEqual(['r-1', 'r-2']);
    expect(second).toEqual(['r-3', 'r-4']);
  });

  it('stores an outcome in its month’s partition, made ahead at open, and others in the default one', async () => {
    const now = Date.now();
    const store = await openPostgresStore(database.url, { now: () => now });
    opened.push(store);
    const thisMonth = monthRange(now, 0);
    await store.outcomes.insert(row('now', now));
    await store.outcomes.insert(row('long-ago', Date.UTC(2001, 0, 1)));
    const { rows } = await store.pool.query<{ id: string; partition: string }>("SELECT id, tableoid::regclass::text AS partition FROM outcomes WHERE id IN ('now', 'long-ago') ORDER BY id");
    expect(rows).toEqual([
      { id: 'long-ago', partition: 'outcomes_default' },
      { id: 'now', partition: thisMonth.name },
    ]);
    const ahead = await store.pool.query("SELECT 1 FROM pg_class WHERE relname = $1", [monthRange(now, 3).name]);
    expect(ahead.rowCount).toBe(1);
  });

  it('migrates once when several nodes open the same empty database at the same time', async () => {
    const fresh = await createTestDatabase();
    try {
      const stores = await Promise.all([openPostgresStore(fresh.url), openPostgresStore(fresh.url), openPostgresStore(fresh.url)]);
      const { rows } = await stores[0]!.pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => i + 1));
      await Promise.all(stores.map((store) => store.close()));
    } finally {
      await fresh.drop();
    }
  });

  it('keeps the ticket action log append-only', async () => {
    const store = await emptied();
    opened.push(store);
    await store.tickets.insert({ id: 't-1', outcomeId: null, hallCode: 'h1', department: null, stage: 'opened', dueAt: null, openedAt: 1, excluded: false, state: '{}', dispatch: '{}' });
    await store.tickets.appendAction({ seq: 1, ticketId: 't-1', at: 1, actor: 'a', what: '{}', before: null, after: '{}', prevHash: 'h0', hash: 'h1' });
    await expect(store.pool.query("UPDATE ticket_actions SET actor = 'b'")).rejects.toThrow('append-only');
    await expect(store.pool.query('DELETE FROM ticket_actions')).rejects.toThrow('append-only');
  });
});

const RECEIVED = Date.UTC(2026, 10, 20, 2, 0, 0);

function row(id: string, receivedAt = RECEIVED): NewOutcomeRow {
  return {
    id,
    deviceId: 'dev-0',
    bodyHash: `hash-${id}`,
    body: JSON.stringify({ id, window: { windowName: 'W' }, staff: { name: 'S' }, case: { taskName: 'T', projectNo: 'P' } }),
    receivedAt,
    trusted: true,
    merge: 'rating',
    columns: {
      seq: 1,
      outcome: 'rated',
      level: 2,
      rated_at: '2026-11-20T10:00:00+08:00',
      hall_code: 'h1',
      window_no: 'W1',
      staff_login: 's1',
      dept_name: 'D',
      task_code: 'T1',
      chain_hash: 'c',
      prev_hash: 'p',
      flags: '',
      invitation_id: `inv-${id}`,
      amends_id: null,
      amends_kind: null,
    },
  };
}
