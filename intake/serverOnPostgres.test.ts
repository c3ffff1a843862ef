import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregateResponseSchema } from '../contract/dashboard';
import { createTestDatabase, emptyDatabase } from '../scripts/pgTestDatabase';
import { startIntake, type StartedIntake } from './server';
import { openPostgresStore } from './store/postgres/postgresStore';
import { adminGet, closedAfterEach, enrolDev1, harnessOptions, item, upload } from './testing/intakeHarness';
import { chain } from './testing/signedOutcomes';

let database: { url: string; drop(): Promise<void> };
beforeAll(async () => {
  database = await createTestDatabase();
  // Migrated once here, so each test can empty it before its nodes start.
  await (await openPostgresStore(database.url)).close();
});
afterAll(async () => {
  await database?.drop();
});

const intakes = closedAfterEach<StartedIntake>();

/** An intake node on the test file's PostgreSQL database (several nodes share it). */
async function node(): Promise<StartedIntake> {
  const intake = await startIntake({ ...harnessOptions(path.join(mkdtempSync(path.join(tmpdir(), 'pg-node-')), 'unused.sqlite')), databaseUrl: database.url });
  intakes.push(intake);
  return intake;
}

const aggregates = async (intake: StartedIntake) =>
  AggregateResponseSchema.parse(await adminGet(intake, '/v1/dashboard/aggregates?hall=h1&from=2026-11-23&to=2026-11-23&by=hall')).rows.map((r) => [r.key, r.total, r.good, r.bad]);

describe('the intake on PostgreSQL', () => {
  it('stores a signed batch once, answers its resend as duplicates, and counts it in the dashboard', async () => {
    await emptyDatabase(database.url);
    const intake = await node();
    const { key } = await enrolDev1(intake);
    const batch = chain([item(5), item(1), item(4)], key.privateKey);
    expect((await upload(intake, key, batch)).results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect((await upload(intake, key, batch)).results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(await adminGet(intake, '/v1/admin/outcomes/count?deviceId=dev-1')).toEqual({ count: 3 });
    const recheck = await adminGet(intake, '/v1/admin/integrity/recheck?deviceId=dev-1');
    expect(recheck).toMatchObject({ checked: 3, verified: 3, failures: [] });
    expect(await aggregates(intake)).toEqual([['h1', 3, 2, 1]]);
    const listed = await adminGet(intake, '/v1/admin/outcomes?deviceId=dev-1');
    expect(listed.outcomes.map((o: { id: string }) => o.id)).toEqual(batch.map((o) => o.id));
  });

  it('records a gap in the chain as an integrity event', async () => {
    await emptyDatabase(database.url);
    const intake = await node();
    const { key } = await enrolDev1(intake);
    const [first, , third] = chain([item(5), item(4), item(3)], key.privateKey);
    expect((await upload(intake, key, [first, third])).results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    const report = await adminGet(intake, '/v1/admin/integrity?deviceId=dev-1');
    expect(report.gaps).toEqual([{ fromSeq: 2, toSeq: 2 }]);
    expect(report.events.map((e: { kind: string; seq: number }) => [e.kind, e.seq])).toEqual([['gap', 3]]);
  });

  it('stores each outcome once when two nodes on one database take the same batches at once', async () => {
    await emptyDatabase(database.url);
    const [a, b] = [await node(), await node()];
    const { key } = await enrolDev1(a);
    const outcomes = chain([item(5), item(1), item(2), item(4), item(3), item(5)], key.privateKey);
    const firstHalf = outcomes.slice(0, 3);
    const secondHalf = outcomes.slice(3);
    const answers = await Promise.all([upload(a, key, firstHalf), upload(b, key, firstHalf), upload(b, key, secondHalf), upload(a, key, secondHalf)]);
    for (const [one, other] of [
      [answers[0], answers[1]],
      [answers[2], answers[3]],
    ] as const) {
      const statuses = one.results.map((r, i) => [r.status, other.results[i]?.status].sort().join('+'));
      expect(statuses).toEqual(['accepted+duplicate', 'accepted+duplicate', 'accepted+duplicate']);
    }
    expect(await adminGet(b, '/v1/admin/outcomes/count?deviceId=dev-1')).toEqual({ count: 6 });
    expect(await adminGet(a, '/v1/admin/integrity/recheck?deviceId=dev-1')).toMatchObject({ checked: 6, verified: 6, failures: [] });
    // Counted once each: the dashboard agrees with what is stored, on either node.
    expect(await aggregates(a)).toEqual([['h1', 6, 4, 2]]);
    expect(await aggregates(b)).toEqual([['h1', 6, 4, 2]]);
  });
});
