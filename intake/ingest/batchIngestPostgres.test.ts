import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, emptyDatabase } from '../../scripts/pgTestDatabase';
import { startIntake, type StartedIntake } from '../server';
import { openPostgresStore, type PostgresStore } from '../store/postgres/postgresStore';
import { verifyTicketLog } from '../tickets/ticketLog';
import { closedAfterEach, enrolDev1, harnessOptions, item, upload } from '../testing/intakeHarness';
import { chain, newDeviceKey } from '../testing/signedOutcomes';
import { uploadBatch } from '../testing/signedRequests';

/**
 * Issue 25: a batch on PostgreSQL costs a few round trips, not a dozen per outcome, and the
 * multi-row writes keep every promise when the same batch reaches two nodes at once.
 */

let database: { url: string; drop(): Promise<void> };
beforeAll(async () => {
  database = await createTestDatabase();
  await (await openPostgresStore(database.url)).close();
});
afterAll(async () => {
  await database?.drop();
});

const intakes = closedAfterEach<StartedIntake>();

const DEV2_TOKEN = 'token-for-dev-2-bbbbbbbb';

async function node(): Promise<StartedIntake> {
  const options = harnessOptions(path.join(mkdtempSync(path.join(tmpdir(), 'pg-batch-')), 'unused.sqlite'));
  const enrolmentTokens = [...(options.enrolmentTokens ?? []), { token: DEV2_TOKEN, deviceId: 'dev-2', hallCode: 'h1', expiresAtMs: Date.now() + 60_000 }];
  const intake = await startIntake({ ...options, enrolmentTokens, databaseUrl: database.url });
  intakes.push(intake);
  return intake;
}

/** Every statement any pooled client of this process sends while `work` runs. */
async function statementsOf<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const [config] = args;
    statements.push(typeof config === 'string' ? config : String((config as { text?: unknown }).text));
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    return { result: await work(), statements };
  } finally {
    pg.Client.prototype.query = original;
  }
}

/** 20 outcomes of the bench's mix: every level, so 8 差评 with their follow-ups and tickets. */
const benchMix = () => Array.from({ length: 20 }, (_, i) => item(((i % 5) + 1) as 1 | 2 | 3 | 4 | 5));

async function withDestinations(intake: StartedIntake) {
  await intake.store.forwarding.setDestinations([
    { name: 'province', hallCode: '*' },
    { name: 'city', hallCode: 'h1' },
  ]);
}

/** What the database holds of dev-1's outcomes and everything ingest writes beside them. */
async function held(store: PostgresStore) {
  const one = async (text: string) => Number((await store.pool.query<{ n: string }>(text)).rows[0]?.n);
  return {
    outcomes: await one("SELECT COUNT(*) AS n FROM outcomes WHERE device_id = 'dev-1'"),
    ids: await one('SELECT COUNT(*) AS n FROM outcome_ids'),
    followups: await one('SELECT COUNT(*) AS n FROM followups'),
    tickets: await one('SELECT COUNT(*) AS n FROM tickets'),
    ticketActions: await one('SELECT COUNT(*) AS n FROM ticket_actions'),
    forwarding: await one('SELECT COUNT(*) AS n FROM forward_queue'),
    events: await one('SELECT COUNT(*) AS n FROM integrity_events'),
  };
}

/** The hall's dashboard day (its shards summed) against a GROUP BY over the stored outcomes in force. */
async function countsAgainstOutcomes(store: PostgresStore) {
  const counted = (
    await store.pool.query<{ total: string; l1: string; l2: string; l5: string; f_opened: string }>(
      "SELECT SUM(total) AS total, SUM(l1) AS l1, SUM(l2) AS l2, SUM(l5) AS l5, SUM(f_opened) AS f_opened FROM dashboard_daily WHERE hall_code = 'h1' AND dim = 'hall' AND key = 'h1'",
    )
  ).rows.map((r) => [Number(r.total), Number(r.l1), Number(r.l2), Number(r.l5), Number(r.f_opened)]);
  const grouped = (
    await store.pool.query<{ total: string; l1: string; l2: string; l5: string; f: string }>(
      `SELECT COUNT(*) AS total, COUNT(*) FILTER (WHERE level = 1) AS l1, COUNT(*) FILTER (WHERE level = 2) AS l2, COUNT(*) FILTER (WHERE level = 5) AS l5,
              COUNT(f.outcome_id) AS f
         FROM outcomes o LEFT JOIN followups f ON f.outcome_id = o.id WHERE o.hall_code = 'h1' AND o.merge = 'rating' GROUP BY o.hall_code`,
    )
  ).rows.map((r) => [Number(r.total), Number(r.l1), Number(r.l2), Number(r.l5), Number(r.f)]);
  return { counted, grouped };
}

describe('batch ingest on PostgreSQL', () => {
  it('stores a batch of 20 outcomes (8 差评 with follow-ups and tickets, forwarding to two destinations) in at most 20 statements', async () => {
    await emptyDatabase(database.url);
    const intake = await node();
    await withDestinations(intake);
    const { key } = await enrolDev1(intake);
    const batch = chain(benchMix(), key.privateKey);
    const { result, statements } = await statementsOf(() => upload(intake, key, batch));
    expect(result.results.map((r) => r.status)).toEqual(batch.map(() => 'accepted'));
    // The old per-outcome ingest sent 16 statements per outcome (319 for this batch).
    expect(statements.length, statements.join('\n---\n')).toBeLessThanOrEqual(20);
    expect(await held(intake.store as PostgresStore)).toEqual({ outcomes: 20, ids: 20, followups: 8, tickets: 8, ticketActions: 8, forwarding: 40, events: 0 });
    const { counted, grouped } = await countsAgainstOutcomes(intake.store as PostgresStore);
    expect(counted).toEqual(grouped);
    expect(counted).toEqual([[20, 4, 4, 4, 8]]);
  });

  it('stores each outcome of a batch posted to two nodes at once exactly once, with its follow-up, ticket, forwarding rows and counts', async () => {
    await emptyDatabase(database.url);
    const [a, b] = [await node(), await node()];
    await withDestinations(a);
    const { key } = await enrolDev1(a);
    const batch = chain(benchMix(), key.privateKey);
    const answers = await Promise.all([upload(a, key, batch), upload(b, key, batch)]);
    const statuses = answers.map((answer) => answer.results.map((r) => r.status));
    // One node stored the batch; the other waited for the device's lock and found every outcome stored.
    expect(statuses.map((s) => [...new Set(s)]).sort()).toEqual([['accepted'], ['duplicate']]);
    const store = a.store as PostgresStore;
    expect(await held(store)).toEqual({ outcomes: 20, ids: 20, followups: 8, tickets: 8, ticketActions: 8, forwarding: 40, events: 0 });
    expect(await verifyTicketLog(store.tickets)).toEqual({ ok: true, checked: 8 });
    const { counted, grouped } = await countsAgainstOutcomes(store);
    expect(counted).toEqual(grouped);
    expect(counted).toEqual([[20, 4, 4, 4, 8]]);
  });

  it('counts two devices sharing every dashboard key, each batch posted to both nodes at once, once each (multi-row upserts under contention)', async () => {
    await emptyDatabase(database.url);
    const [a, b] = [await node(), await node()];
    const { key } = await enrolDev1(a);
    const dev2 = newDeviceKey();
    expect((await b.app.inject({ method: 'POST', url: '/v1/devices', payload: { enrolmentToken: DEV2_TOKEN, deviceId: 'dev-2', publicKey: dev2.x } })).statusCode).toBe(201);
    const batch1 = chain(benchMix(), key.privateKey);
    // dev-2's batch starts at seq 2: a gap, recorded once however many nodes receive the batch.
    const dev2Batch = chain([item(5, { deviceId: 'dev-2' }), ...benchMix().map((o) => ({ ...o, deviceId: 'dev-2' }))], dev2.privateKey).slice(1);
    const device2 = { deviceId: 'dev-2', privateKey: dev2.privateKey };
    const [, , first2, second2] = await Promise.all([upload(a, key, batch1), upload(b, key, batch1), uploadBatch(a, device2, dev2Batch), uploadBatch(b, device2, dev2Batch)]);
    expect([first2.statusCode, second2.statusCode]).toEqual([200, 200]);
    const store = a.store as PostgresStore;
    const stored = (await store.pool.query<{ device_id: string; n: string }>('SELECT device_id, COUNT(*) AS n FROM outcomes GROUP BY device_id ORDER BY device_id')).rows;
    expect(stored.map((r) => [r.device_id, Number(r.n)])).toEqual([
      ['dev-1', 20],
      ['dev-2', 20],
    ]);
    const events = (await store.pool.query<{ device_id: string; kind: string; seq: string }>('SELECT device_id, kind, seq FROM integrity_events ORDER BY id')).rows;
    expect(events.map((e) => [e.device_id, e.kind, Number(e.seq)])).toEqual([['dev-2', 'gap', 2]]);
    expect(await held(store)).toMatchObject({ ids: 40, followups: 16, tickets: 16, ticketActions: 16 });
    expect(await verifyTicketLog(store.tickets)).toEqual({ ok: true, checked: 16 });
    const { counted, grouped } = await countsAgainstOutcomes(store);
    expect(counted).toEqual(grouped);
    expect(counted).toEqual([[40, 8, 8, 8, 16]]);
  });

  it('keeps the chain audit across a batch: a fork inside one batch flags the device, and what follows it is stored untrusted and not counted', async () => {
    await emptyDatabase(database.url);
    const intake = await node();
    const { key } = await enrolDev1(intake);
    const [first, second, third] = chain([item(5), item(4), item(1)], key.privateKey);
    // A second outcome at seq 2, signed by the device: a fork, in the same batch as the seq it forks.
    const [forked] = chain([item(3)], key.privateKey, first);
    const answer = await upload(intake, key, [first, second, forked, third]);
    expect(answer.results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    const store = intake.store as PostgresStore;
    const merges = (await store.pool.query<{ id: string; merge: string }>("SELECT id, merge FROM outcomes WHERE device_id = 'dev-1' ORDER BY position")).rows;
    expect(merges.map((r) => r.merge)).toEqual(['rating', 'rating', 'untrusted', 'untrusted']);
    const events = (await store.pool.query<{ kind: string; seq: string }>("SELECT kind, seq FROM integrity_events WHERE device_id = 'dev-1' ORDER BY id")).rows;
    expect(events.map((e) => [e.kind, Number(e.seq)])).toEqual([['fork', 2]]);
    expect((await store.devices.flagOf('dev-1'))?.reason).toBe('fork at seq 2');
    const { counted, grouped } = await countsAgainstOutcomes(store);
    expect(counted).toEqual(grouped);
    expect(await held(store)).toMatchObject({ outcomes: 4, followups: 0, tickets: 0 });
  });
});
