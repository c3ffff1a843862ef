// The device and the intake both run in UTC here, as test machines and many servers do; the hall
// is in Beijing. A rating at 00:30 Beijing time is 16:30 UTC of the day before: every time a
// person or a province reads must be the hall's.
process.env.TZ = 'UTC';

import 'fake-indexeddb/auto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceContext } from '../contract/hallConfig';
import { startIntake, type RunningIntake } from '../intake/server';
import { openEvaluatorDb } from '../src/data/db';
import { startSyncService } from '../src/sync/syncService';
import { makeInvitation, recordOutcome, testContext } from '../src/testing/fixtures';

const DEVICE = testContext.device.id;
const TOKEN = 'hall-time-zone-enrolment-token-01';
const ADMIN = 'hall-time-zone-admin-token-0123456789';
let intake: RunningIntake;

beforeAll(async () => {
  intake = await startIntake({
    dbFile: path.join(mkdtempSync(path.join(tmpdir(), 'hall-tz-')), 'i.sqlite'),
    port: 0,
    corsOrigins: [],
    adminToken: ADMIN,
    enrolmentTokens: [{ token: TOKEN, deviceId: DEVICE, hallCode: testContext.hall.code, expiresAtMs: Date.now() + 600_000 }],
    log: () => undefined,
  });
});
afterAll(() => intake.close());

describe('a hall in Asia/Shanghai, with the PAD and the intake in UTC', () => {
  it('writes, exports and counts the rating on the Beijing day and hour', async () => {
    expect(new Date(Date.UTC(2026, 10, 22, 16, 30)).getHours()).toBe(16); // the process really is in UTC
    const context: DeviceContext = {
      ...testContext,
      hall: { ...testContext.hall, timeZone: 'Asia/Shanghai' },
      intake: { url: intake.origin, batchSize: 100, syncIntervalSec: 5, enrolmentToken: TOKEN },
    };
    const db = openEvaluatorDb(`hall-tz-${crypto.randomUUID()}`);
    const ratedAtMs = Date.UTC(2026, 10, 22, 16, 30, 5); // 2026-11-23 00:30:05 in Beijing
    const invitation = makeInvitation();
    const outcome = await recordOutcome(
      db,
      invitation,
      { outcome: 'rated', level: 2, tags: [], comment: '等了很久', isPublic: true, callback: { requested: false }, input: { method: 'touch', inviteToPressMs: 1500 } },
      { context, clockOffsetMs: null, nowMs: ratedAtMs, wallMs: ratedAtMs },
    );
    expect(outcome.ratedAt).toBe('2026-11-23T00:30:05.000+08:00');

    const service = startSyncService({ db, context, now: () => Date.now(), onStatus: () => undefined })!;
    await service.enrolled;
    service.engine.notify();
    await expect.poll(() => db.outbox.count(), { timeout: 10_000 }).toBe(0);
    service.stop();
    db.close();

    const exported = (await (await fetch(`${intake.origin}/v1/export?profile=anhui`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { records: Array<Record<string, unknown>> };
    expect(exported.records.map((r) => r.evaluateTime)).toEqual(['2026-11-23 00:30:05']);

    const day = async (d: string) => {
      const url = `${intake.origin}/v1/dashboard/aggregates?hall=${testContext.hall.code}&from=${d}&to=${d}&bucket=day`;
      const body = (await (await fetch(url, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { rows: Array<{ period: string; bad: number }> };
      return body.rows.map((r) => [r.period, r.bad]);
    };
    expect(await day('2026-11-23')).toEqual([['2026-11-23', 1]]);
    expect(await day('2026-11-22')).toEqual([]);
  });
});
