import 'fake-indexeddb/auto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIntake, type RunningIntake } from '../intake/server';
import { storedOutcomes } from '../intake/testing/adminPages';
import { randomFaultPlan, startFaultProxy, type FaultProxy } from '../scripts/faultProxy';
import { openEvaluatorDb, type EvaluatorDb, type OutboxRow } from '../src/data/db';
import { exportPublicKey, loadOrCreateDeviceKey, signRequest } from '../src/device/deviceKey';
import { makeInvitation, testContext, recordOutcome } from '../src/testing/fixtures';
import { seededRandom } from '../scripts/seededRandom';
import { createIntakeClient } from '../src/sync/intakeClient';
import { createSyncEngine } from '../src/sync/syncEngine';

/**
 * Seeded fault runs of the real sync engine against the real intake on loopback, through a
 * proxy that injects 5xx, 429, timeouts, resets before and after commit, truncated answers,
 * outages and intake restarts. The invariant after every run: each outcome created is in the
 * intake exactly once, or in the dead-letter list with a reason; the outbox is empty.
 */
const RUNS = Number(process.env.FAULT_RUNS ?? 50);
const ADMIN_TOKEN = 'fault-suite-admin-token-0001-abcdef';
const CLIENT_TIMEOUT_MS = 250;

let dir: string;
let intake: RunningIntake;
let proxy: FaultProxy;
let intakePort: number;
let restarts = 0;

async function bootIntake(port: number, tokens: Array<{ token: string; deviceId: string; hallCode: string; expiresAtMs: number }> = []) {
  return startIntake({
    dbFile: path.join(dir, 'intake.sqlite'),
    port,
    enrolmentTokens: tokens,
    corsOrigins: [],
    adminToken: ADMIN_TOKEN,
    // Every run enrols a device from this one address within seconds.
    rateLimits: { enrolPerMinute: 1000 },
    log: () => undefined,
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'faults-'));
  intake = await bootIntake(0);
  intakePort = Number(new URL(intake.origin).port);
  proxy = await startFaultProxy(intake.origin);
});
afterAll(async () => {
  await proxy.close();
  await intake.close();
});

async function intakeIds(deviceId: string): Promise<string[]> {
  return (await storedOutcomes(intake.origin, ADMIN_TOKEN, deviceId)).map((o) => o.id);
}

const ending = (random: () => number) => {
  const level = (1 + Math.floor(random() * 5)) as 1 | 2 | 3 | 4 | 5;
  return { outcome: 'rated' as const, level, tags: [], isPublic: true, callback: { requested: false }, input: { method: 'touch' as const, inviteToPressMs: 1000 } };
};

async function oneRun(seed: number): Promise<{ valid: number; corrupt: number; faults: Record<string, number> }> {
  const random = seededRandom(seed);
  const deviceId = `fault-dev-${seed}`;
  const context = { ...testContext, device: { ...testContext.device, id: deviceId } };
  const db: EvaluatorDb = openEvaluatorDb(`faults-${seed}-${crypto.randomUUID()}`);
  try {
    // Enrol this run's device directly (not through the faults).
    const keyPair = await loadOrCreateDeviceKey(db);
    const token = `enrol-${seed}-${crypto.randomUUID()}`;
    await intake.close();
    intake = await bootIntake(intakePort, [{ token, deviceId, hallCode: testContext.hall.code, expiresAtMs: Date.now() + 60_000 }]);
    const direct = createIntakeClient({ baseUrl: intake.origin, deviceId, now: Date.now, sign: (t, b) => signRequest(keyPair, t, b) });
    // A pooled keep-alive socket to the intake before its restart can fail once: retry, as the app does.
    let enrolled = await direct.enrol(token, await exportPublicKey(keyPair));
    for (let i = 0; i < 3 && !enrolled.ok && enrolled.status === 0; i++) enrolled = await direct.enrol(token, await exportPublicKey(keyPair));
    expect(enrolled).toEqual({ ok: true });

    const record = () => recordOutcome(db, makeInvitation(), ending(random), { context, clockOffsetMs: null, nowMs: Date.now() });
    const valid = 20 + Math.floor(random() * 60);
    for (let i = 0; i < valid; i++) await record();
    // A few stored outcomes that break the contract (as an old app version might have written).
    const corrupt = Math.floor(random() * 3);
    for (let i = 0; i < corrupt; i++) {
      const good = await record();
      const row = (await db.outbox.get(good.seq)) as OutboxRow;
      await db.outbox.put({ ...row, tags: ['not-a-code'] });
    }

    proxy.setPlan(
      randomFaultPlan(random, { pass: 40, status: 10, tooManyRequests: 8, delay: 4, resetBeforeForward: 10, resetAfterForward: 14, truncate: 14 }, CLIENT_TIMEOUT_MS),
    );
    const before = proxy.applied();
    const client = createIntakeClient({ baseUrl: proxy.origin, deviceId, now: Date.now, timeoutMs: CLIENT_TIMEOUT_MS, sign: (t, b) => signRequest(keyPair, t, b) });
    const engine = createSyncEngine({
      db,
      client,
      now: Date.now,
      random,
      batchSize: 5 + Math.floor(random() * 40),
      intervalMs: 60_000,
      backoff: { baseMs: 5, maxMs: 40 },
    });
    await engine.start();

    // Drive it through more faults, outages, restarts and late outcomes until it settles.
    const deadline = Date.now() + 30_000;
    let round = 0;
    while ((await db.outbox.count()) > 0 && Date.now() < deadline) {
      round++;
      const event = random();
      if (event < 0.1) {
        proxy.setDown(true);
        await new Promise((r) => setTimeout(r, 50 + random() * 150));
        proxy.setDown(false);
      } else if (event < 0.18) {
        const pass = engine.retryNow();
        await new Promise((r) => setTimeout(r, random() * 20));
        await intake.close(); // restart mid-batch: in-flight requests are cut
        intake = await bootIntake(intakePort);
        restarts++;
        await pass;
      } else if (event < 0.3) {
        await record();
      }
      if (round > 40) proxy.setPlan(() => ({ kind: 'pass' })); // let every run converge
      await engine.retryNow();
      await engine.idle();
    }
    engine.stop();
    await engine.idle();

    const outboxLeft = await db.outbox.count();
    const created = (await db.invitations.toArray()).length;
    const letters = await db.deadLetters.toArray();
    const atIntake = await intakeIds(deviceId);
    expect(outboxLeft, `seed ${seed}: outbox drained`).toBe(0);
    expect(new Set(atIntake).size, `seed ${seed}: no duplicate at intake`).toBe(atIntake.length);
    expect(letters.every((l) => l.reason.length > 0 && l.code.length > 0)).toBe(true);
    expect(letters.map((l) => l.seq).length, `seed ${seed}: corrupt ones dead-lettered`).toBe(corrupt);
    expect(atIntake.length + letters.length, `seed ${seed}: every outcome accounted for`).toBe(created);
    const letterIds = new Set(letters.map((l) => l.id));
    expect(atIntake.some((id) => letterIds.has(id))).toBe(false);
    const after = proxy.applied();
    const faults = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));
    return { valid: created - corrupt, corrupt, faults };
  } finally {
    db.close();
  }
}

describe(`sync under ${RUNS} seeded fault runs`, () => {
  it('every outcome reaches the intake exactly once or is dead-lettered with a reason', { timeout: 600_000 }, async () => {
    const totals: Record<string, number> = {};
    let outcomes = 0;
    for (let seed = 1; seed <= RUNS; seed++) {
      const result = await oneRun(seed);
      outcomes += result.valid + result.corrupt;
      for (const [k, v] of Object.entries(result.faults)) totals[k] = (totals[k] ?? 0) + v;
    }
    console.log(`fault runs: ${RUNS}, outcomes: ${outcomes}, intake restarts mid-batch: ${restarts}, faults applied: ${JSON.stringify(totals)}`);
    expect(restarts, 'the intake was restarted mid-batch').toBeGreaterThan(0);
    for (const kind of ['status', 'tooManyRequests', 'delay', 'resetBeforeForward', 'resetAfterForward', 'truncate', 'down']) {
      expect(totals[kind] ?? 0, `fault ${kind} was exercised`).toBeGreaterThan(0);
    }
  });

  it('an unknown device is refused and keeps its outbox', async () => {
    const db = openEvaluatorDb(`faults-unknown-${crypto.randomUUID()}`);
    const keyPair = await loadOrCreateDeviceKey(db);
    const context = { ...testContext, device: { ...testContext.device, id: 'never-enrolled' } };
    await recordOutcome(db, makeInvitation(), ending(Math.random), { context, clockOffsetMs: null, nowMs: Date.now() });
    const client = createIntakeClient({ baseUrl: intake.origin, deviceId: 'never-enrolled', now: Date.now, sign: (t, b) => signRequest(keyPair, t, b) });
    const engine = createSyncEngine({ db, client, now: Date.now, random: Math.random, batchSize: 10, intervalMs: 60_000 });
    await engine.start();
    expect(engine.status().state).toBe('unauthorized');
    expect(await db.outbox.count()).toBe(1);
    engine.stop();
    db.close();
  });
});
