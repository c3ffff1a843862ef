import 'fake-indexeddb/auto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetDevice, FleetResponse } from '../contract/heartbeat';
import { startIntake, type RunningIntake } from '../intake/server';
import { openEvaluatorDb } from '../src/data/db';
import { exportPublicKey, loadOrCreateDeviceKey, signRequest } from '../src/device/deviceKey';
import { APP_VERSION, startHeartbeats, type HeartbeatOutcome } from '../src/sync/heartbeat';
import { createIntakeClient } from '../src/sync/intakeClient';
import { makeInvitation, recordOutcome, testContext } from '../src/testing/fixtures';

const DEVICE = testContext.device.id;
const TOKEN = 'heartbeat-enrolment-token-0001';
const ADMIN = 'heartbeat-admin-token-0123456789abcdef';
let intake: RunningIntake;

beforeAll(async () => {
  intake = await startIntake({
    dbFile: path.join(mkdtempSync(path.join(tmpdir(), 'heartbeat-')), 'i.sqlite'),
    port: 0,
    corsOrigins: [],
    adminToken: ADMIN,
    enrolmentTokens: [{ token: TOKEN, deviceId: DEVICE, hallCode: testContext.hall.code, expiresAtMs: Date.now() + 600_000 }],
    log: () => undefined,
  });
});
afterAll(() => intake.close());

const ending = { outcome: 'rated' as const, level: 5 as const, tags: [], isPublic: true, callback: { requested: false }, input: { method: 'touch' as const, inviteToPressMs: 1200 } };

async function fleetEntry(): Promise<FleetDevice | undefined> {
  const response = await fetch(new URL('/v1/admin/fleet', intake.origin), { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as FleetResponse).devices.find((d) => d.deviceId === DEVICE);
}

// The chain shows a deleted outcome only once a later one arrives; a heartbeat shows it at once.
describe('a device whose newest outcome is deleted before it is sent', () => {
  it('is flagged head-regressed at the intake on its next heartbeat', async () => {
    const db = openEvaluatorDb(`heartbeat-${crypto.randomUUID()}`);
    const keyPair = await loadOrCreateDeviceKey(db);
    const client = createIntakeClient({ baseUrl: intake.origin, deviceId: DEVICE, now: () => Date.now(), sign: (ts, payload) => signRequest(keyPair, ts, payload) });
    expect(await client.enrol(TOKEN, await exportPublicKey(keyPair))).toEqual({ ok: true });
    const first = await recordOutcome(db, makeInvitation(), ending, { context: testContext, clockOffsetMs: null, nowMs: Date.now() });
    await recordOutcome(db, makeInvitation(), ending, { context: testContext, clockOffsetMs: null, nowMs: Date.now() });

    // The real sender on a timer the test runs: no sync engine, so both outcomes stay queued.
    const timers: Array<() => void> = [];
    const outcomes: HeartbeatOutcome[] = [];
    const sender = startHeartbeats({
      client,
      db,
      context: testContext,
      now: () => Date.now(),
      appVersion: APP_VERSION,
      clockOffsetMs: () => null,
      ratingDevice: () => null,
      intervalMs: testContext.policies.heartbeatIntervalSec * 1000,
      setTimer: (fn) => timers.push(fn),
      clearTimer: () => undefined,
      onHeartbeat: (outcome) => outcomes.push(outcome),
    });
    await sender.idle();
    expect(outcomes.map((o) => (o.kind === 'sent' ? o.kind : o.reason))).toEqual(['sent']);
    expect(await fleetEntry()).toMatchObject({ hallCode: testContext.hall.code, appVersion: APP_VERSION, chainHeadSeq: 2, outboxDepth: 2, deadLetters: 0, openFlags: [] });

    // What a tamperer does: the newest row out of the outbox, the chain head set back one.
    await db.transaction('rw', db.outbox, db.meta, async () => {
      await db.outbox.delete(2);
      await db.meta.put({ key: 'chainHead', value: { seq: 1, hash: first.hash } });
    });
    timers.at(-1)?.();
    await sender.idle();
    expect(outcomes.map((o) => o.kind)).toEqual(['sent', 'sent']);
    const device = await fleetEntry();
    expect(device).toMatchObject({ chainHeadSeq: 1, outboxDepth: 1 });
    expect(device?.openFlags.map((f) => f.kind)).toContain('head-regressed');
    sender.stop();
    db.close();
  });
});
