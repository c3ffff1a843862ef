import 'fake-indexeddb/auto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceContext } from '../contract/hallConfig';
import { startIntake, type RunningIntake } from '../intake/server';
import { listAudit } from '../src/data/auditLog';
import { openEvaluatorDb } from '../src/data/db';
import { exportPublicKey, loadOrCreateDeviceKey } from '../src/device/deviceKey';
import { makeInvitation, recordOutcome, testContext } from '../src/testing/fixtures';
import { startSyncService } from '../src/sync/syncService';

const DEVICE = testContext.device.id;
const FIRST = 'first-provisioned-token-0001';
const SECOND = 'reprovisioned-token-0002';
let intake: RunningIntake;

beforeAll(async () => {
  intake = await startIntake({
    dbFile: path.join(mkdtempSync(path.join(tmpdir(), 'sync-service-')), 'i.sqlite'),
    port: 0,
    corsOrigins: [],
    // The second bundle re-provisions the enrolled device: its token is issued for key rotation.
    enrolmentTokens: [FIRST, SECOND].map((token) => ({ token, deviceId: DEVICE, hallCode: testContext.hall.code, purpose: token === SECOND ? ('rotate' as const) : ('enrol' as const), expiresAtMs: Date.now() + 600_000 })),
    log: () => undefined,
  });
});
afterAll(() => intake.close());

const intakeKey = () => intake.db.prepare<[string], { public_key: string }>('SELECT public_key FROM devices WHERE device_id = ?').get(DEVICE)?.public_key;
const stored = () => intake.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM outcomes WHERE device_id = ?').get(DEVICE)?.n ?? 0;
const withToken = (token: string): DeviceContext => ({ ...testContext, intake: { url: intake.origin, batchSize: 100, syncIntervalSec: 5, enrolmentToken: token } });
const ending = { outcome: 'rated' as const, level: 5 as const, tags: [], isPublic: true, callback: { requested: false }, input: { method: 'touch' as const, inviteToPressMs: 1500 } };

describe('sync service: first boot enrolment and key rotation by re-provisioning', () => {
  it('enrols the device key with the bundle token, then rotates the key when a new bundle brings a new token', async () => {
    const db = openEvaluatorDb(`sync-service-${crypto.randomUUID()}`);
    const first = startSyncService({ db, context: withToken(FIRST), now: Date.now, onStatus: () => undefined })!;
    await first.enrolled;
    const firstKey = await exportPublicKey(await loadOrCreateDeviceKey(db));
    expect(intakeKey()).toBe(firstKey);
    await recordOutcome(db, makeInvitation(), ending, { context: testContext, clockOffsetMs: null, nowMs: Date.now() });
    first.engine.notify();
    await expect.poll(stored).toBe(1);
    await expect.poll(() => db.outbox.count()).toBe(0);
    first.stop();

    // The same bundle again: nothing changes.
    const again = startSyncService({ db, context: withToken(FIRST), now: Date.now, onStatus: () => undefined })!;
    await again.enrolled;
    expect(await exportPublicKey(await loadOrCreateDeviceKey(db))).toBe(firstKey);
    again.stop();

    const rotated = startSyncService({ db, context: withToken(SECOND), now: Date.now, onStatus: () => undefined })!;
    await rotated.enrolled;
    const secondKey = await exportPublicKey(await loadOrCreateDeviceKey(db));
    expect(secondKey).not.toBe(firstKey);
    expect(intakeKey()).toBe(secondKey);
    expect((await listAudit(db, 1))[0]?.action).toBe('device-key-rotated');

    // Outcomes signed after the rotation are accepted under the new key; the chain goes on.
    await recordOutcome(db, makeInvitation({ id: crypto.randomUUID() }), ending, { context: testContext, clockOffsetMs: null, nowMs: Date.now() });
    rotated.engine.notify();
    await expect.poll(stored).toBe(2);
    expect(await db.deadLetters.count()).toBe(0);
    rotated.stop();
    db.close();
  });
});

describe('sync service: an expired bundle', () => {
  it('says the token expired and how to re-provision, without asking the intake', async () => {
    const db = openEvaluatorDb(`sync-service-${crypto.randomUUID()}`);
    const statuses: Array<{ state: string; lastError: string | null }> = [];
    const context = withToken('never-sent-token-000000');
    const expired = { ...context, intake: { ...context.intake!, url: 'http://127.0.0.1:9/', enrolmentTokenExpiresAt: '2026-01-01T00:00:00.000Z' } };
    const service = startSyncService({ db, context: expired, now: Date.now, onStatus: (s) => statuses.push(s) })!;
    await expect.poll(() => statuses.at(-1)?.state).toBe('unauthorized');
    expect(statuses.at(-1)?.lastError).toMatch(/expired at 2026-01-01T00:00:00.000Z.*npm run provision -- kiosk-config\/<hall> --device test-pad-a01/);
    service.stop();
    db.close();
  });
});
