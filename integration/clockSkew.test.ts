import 'fake-indexeddb/auto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceContext } from '../contract/hallConfig';
import { startIntake, type RunningIntake } from '../intake/server';
import { openEvaluatorDb } from '../src/data/db';
import { startSyncService } from '../src/sync/syncService';
import type { SyncStatus } from '../src/sync/syncEngine';
import { makeInvitation, recordOutcome, testContext } from '../src/testing/fixtures';

const DEVICE = testContext.device.id;
const TOKEN = 'clock-skew-enrolment-token-0001';
const HOURS = 3_600_000;
const ADMIN = 'clock-skew-admin-token-0123456789abcdef';
/** A second device of the hall, for the day-ahead test (an enrolment token works once). */
const AHEAD_DEVICE = 'test-pad-ahead';
const AHEAD_TOKEN = 'clock-skew-enrolment-token-0002';
let intake: RunningIntake;

beforeAll(async () => {
  intake = await startIntake({
    dbFile: path.join(mkdtempSync(path.join(tmpdir(), 'clock-skew-')), 'i.sqlite'),
    port: 0,
    corsOrigins: [],
    enrolmentTokens: [
      { token: TOKEN, deviceId: DEVICE, hallCode: testContext.hall.code, expiresAtMs: Date.now() + 600_000 },
      { token: AHEAD_TOKEN, deviceId: AHEAD_DEVICE, hallCode: testContext.hall.code, expiresAtMs: Date.now() + 600_000 },
    ],
    adminToken: ADMIN,
    log: () => undefined,
  });
});
afterAll(() => intake.close());

const stored = () => intake.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM outcomes WHERE device_id = ?').get(DEVICE)?.n ?? 0;
const contextAt = (url: string): DeviceContext => ({ ...testContext, intake: { url, batchSize: 100, syncIntervalSec: 5, enrolmentToken: TOKEN } });
const ending = { outcome: 'rated' as const, level: 4 as const, tags: [], isPublic: true, callback: { requested: false }, input: { method: 'touch' as const, inviteToPressMs: 1500 } };

// Signed requests are accepted within ±2 minutes of the intake's clock: a PAD whose clock is
// hours off signs with the offset it measured, learnt from the first refusal.
describe('a device whose clock is hours off', () => {
  it('syncs and pairs: the stale refusal carries the intake time, the offset is kept where the engine keeps it', async () => {
    const db = openEvaluatorDb(`clock-skew-${crypto.randomUUID()}`);
    const statuses: SyncStatus[] = [];
    const slow = () => Date.now() - 3 * HOURS;
    const service = startSyncService({ db, context: contextAt(intake.origin), now: slow, onStatus: (s) => statuses.push(s) })!;
    await service.enrolled;
    await recordOutcome(db, makeInvitation(), ending, { context: testContext, clockOffsetMs: null, nowMs: slow() });
    service.engine.notify();
    await expect.poll(stored, { timeout: 10_000 }).toBe(1);
    // The engine has taken the answer in (the outbox is empty and the pass has ended).
    await expect.poll(() => db.outbox.count()).toBe(0);
    await service.engine.idle();
    const offset = service.engine.status().clockOffsetMs ?? 0;
    expect(Math.abs(offset - 3 * HOURS)).toBeLessThan(5_000);
    expect((await db.meta.get('clockOffsetMs'))?.value).toBe(offset);
    expect(statuses.filter((s) => s.state === 'unauthorized' || s.state === 'waiting')).toEqual([]);
    // Pairing asks with the same correction.
    expect(await service.client.requestPairingCode()).toMatchObject({ code: expect.stringMatching(/^\d{6}$/) });
    service.stop();
    db.close();
  });

  it('a day ahead: syncs, and a rating made once the offset is known is exported at the real time (issue 16)', async () => {
    const db = openEvaluatorDb(`clock-skew-${crypto.randomUUID()}`);
    const ahead = () => Date.now() + 24 * HOURS;
    const context: DeviceContext = {
      ...testContext,
      device: { ...testContext.device, id: AHEAD_DEVICE },
      hall: { ...testContext.hall, timeZone: 'Asia/Shanghai' },
      intake: { url: intake.origin, batchSize: 100, syncIntervalSec: 5, enrolmentToken: AHEAD_TOKEN },
    };
    const service = startSyncService({ db, context, now: ahead, onStatus: () => undefined })!;
    await service.enrolled;
    // The first pass learns the intake's clock (nothing to send is enough: the time route answers).
    await recordOutcome(db, makeInvitation(), ending, { context, clockOffsetMs: null, nowMs: ahead() });
    service.engine.notify();
    await expect.poll(() => db.outbox.count(), { timeout: 10_000 }).toBe(0);
    await service.engine.idle();
    const offset = service.engine.status().clockOffsetMs ?? 0;
    expect(Math.abs(offset + 24 * HOURS)).toBeLessThan(5_000);
    // As the flow store does: the rating carries the device's wall time and the offset beside it.
    const ratedReally = Date.now();
    const plain = makeInvitation();
    const invitation = makeInvitation({ case: { ...plain.case, projectNo: 'P20261130-AHEAD' } });
    await recordOutcome(db, invitation, ending, { context, clockOffsetMs: offset, nowMs: ahead(), wallMs: ahead() });
    service.engine.notify();
    await expect.poll(() => db.outbox.count(), { timeout: 10_000 }).toBe(0);
    service.stop();
    db.close();
    const exported = (await (await fetch(`${intake.origin}/v1/export?profile=anhui`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { records: Array<{ evaluateTime: string; projectNo: string }> };
    const record = exported.records.find((r) => r.projectNo === invitation.case.projectNo)!;
    // evaluateTime is Beijing wall time "yyyy-MM-dd HH:mm:ss": read it back as an instant.
    const exportedAt = Date.parse(`${record.evaluateTime.replace(' ', 'T')}+08:00`);
    expect(Math.abs(exportedAt - ratedReally)).toBeLessThan(10_000);
  }, 60_000);
});
