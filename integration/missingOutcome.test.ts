import 'fake-indexeddb/auto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetResponse } from '../contract/heartbeat';
import { startIntake, type RunningIntake } from '../intake/server';
import { openEvaluatorDb } from '../src/data/db';
import { invitationReportOf, storeInvitation } from '../src/data/invitations';
import { exportPublicKey, loadOrCreateDeviceKey, signRequest } from '../src/device/deviceKey';
import { APP_VERSION, startHeartbeats } from '../src/sync/heartbeat';
import { createIntakeClient } from '../src/sync/intakeClient';
import { startReportUploader } from '../src/sync/reportUploader';
import { makeInvitation, recordOutcome, testContext } from '../src/testing/fixtures';

const DEVICE = testContext.device.id;
const TOKEN = 'missing-outcome-enrolment-token-01';
const ADMIN = 'missing-outcome-admin-token-0123456789';
let intake: RunningIntake;

beforeAll(async () => {
  intake = await startIntake({
    dbFile: path.join(mkdtempSync(path.join(tmpdir(), 'missing-outcome-')), 'i.sqlite'),
    port: 0,
    corsOrigins: [],
    adminToken: ADMIN,
    enrolmentTokens: [{ token: TOKEN, deviceId: DEVICE, hallCode: testContext.hall.code, expiresAtMs: Date.now() + 600_000 }],
    log: () => undefined,
  });
});
afterAll(() => intake.close());

const flags = async () => {
  const response = await fetch(new URL('/v1/admin/fleet', intake.origin), { headers: { authorization: `Bearer ${ADMIN}` } });
  return ((await response.json()) as FleetResponse).devices.find((d) => d.deviceId === DEVICE)?.openFlags ?? [];
};

// An invitation whose only outcome is deleted before it is sent: the chain alone shows nothing
// until the device rates again; the invitation's report and the next heartbeat show it now.
describe('an invitation whose only outcome is deleted on the device', () => {
  it('is reported at once and flagged missing-outcome once it is past due and the outbox is empty', async () => {
    const db = openEvaluatorDb(`missing-outcome-${crypto.randomUUID()}`);
    const keyPair = await loadOrCreateDeviceKey(db);
    const client = createIntakeClient({ baseUrl: intake.origin, deviceId: DEVICE, now: () => Date.now(), sign: (ts, payload) => signRequest(keyPair, ts, payload) });
    expect(await client.enrol(TOKEN, await exportPublicKey(keyPair))).toEqual({ ok: true });

    // Received three hours ago (the hall's expiry is two): past due by now.
    const receivedAt = Date.now() - 3 * 3_600_000;
    const invitation = makeInvitation({ receivedAtMs: receivedAt });
    await storeInvitation(db, invitation, invitationReportOf(invitation, testContext, receivedAt, null));
    const reports = startReportUploader({ db, client, deviceId: DEVICE, hallCode: testContext.hall.code, setTimer: () => 0, clearTimer: () => undefined });
    await reports.notify();
    expect(await db.invitationReports.count()).toBe(0);
    expect(intake.db.prepare('SELECT invitation_id FROM invitation_reports').all()).toEqual([{ invitation_id: invitation.id }]);

    // Rated, then the outcome deleted and the chain head set back, before any sync.
    await recordOutcome(db, invitation, { outcome: 'rated', level: 1, tags: [], isPublic: true, callback: { requested: false }, input: { method: 'touch', inviteToPressMs: 900 } }, { context: testContext, clockOffsetMs: null, nowMs: receivedAt + 10_000 });
    await db.transaction('rw', db.outbox, db.meta, async () => {
      await db.outbox.clear();
      await db.meta.delete('chainHead');
    });
    const sender = startHeartbeats({
      client,
      db,
      context: testContext,
      now: () => Date.now(),
      appVersion: APP_VERSION,
      clockOffsetMs: () => null,
      ratingDevice: () => null,
      intervalMs: 60_000,
      setTimer: () => 0,
      clearTimer: () => undefined,
    });
    await sender.idle();
    sender.stop();
    reports.stop();
    expect((await flags()).map((f) => [f.kind, f.detail])).toEqual([['missing-outcome', `1 invitation(s) without an outcome after their due time: ${invitation.case.projectNo} (${invitation.id})`]]);
    db.close();
  });
});
