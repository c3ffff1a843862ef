import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { InvitationReportBatch } from '../../contract/invitationReport';
import { openEvaluatorDb, type EvaluatorDb } from '../data/db';
import { invitationReportOf, storeInvitation } from '../data/invitations';
import { makeInvitation, testContext } from '../testing/fixtures';
import { startReportUploader } from './reportUploader';

let dbs: EvaluatorDb[] = [];
afterEach(() => {
  dbs.forEach((db) => db.close());
  dbs = [];
});

async function deviceWith(n: number) {
  const db = openEvaluatorDb(`reports-${crypto.randomUUID()}`);
  dbs.push(db);
  for (let i = 0; i < n; i++) {
    const invitation = makeInvitation({ receivedAtMs: 1_000_000 + i });
    await storeInvitation(db, invitation, invitationReportOf(invitation, testContext, 1_000_000 + i, null));
  }
  return db;
}

function fakeClient(answers: boolean[] = []) {
  const batches: InvitationReportBatch[] = [];
  return {
    batches,
    invitationReports: async (batch: InvitationReportBatch) => {
      batches.push(batch);
      return answers.length > 0 ? answers.shift()! : true;
    },
  };
}

function manualTimers() {
  const armed: Array<() => void> = [];
  return { setTimer: (fn: () => void) => armed.push(fn), clearTimer: () => undefined, fire: () => armed.splice(0).forEach((fn) => fn()), armed };
}

describe('report uploader', () => {
  it('sends every queued report and forgets only what the intake stored', async () => {
    const db = await deviceWith(3);
    const client = fakeClient();
    const timers = manualTimers();
    const uploader = startReportUploader({ db, client, deviceId: testContext.device.id, hallCode: testContext.hall.code, ...timers });
    await uploader.notify();
    expect(client.batches).toHaveLength(1);
    expect(client.batches[0]).toMatchObject({ deviceId: testContext.device.id, hallCode: testContext.hall.code });
    expect(client.batches[0]!.reports.map((r) => r.receivedAtMs)).toEqual([1_000_000, 1_000_001, 1_000_002]);
    expect(await db.invitationReports.count()).toBe(0);
    uploader.stop();
  });

  it('keeps the reports when the intake does not store them, and tries again on its timer', async () => {
    const db = await deviceWith(2);
    const client = fakeClient([false, true]);
    const timers = manualTimers();
    // Started, it sends what is queued (after a reload, say) without being cued.
    const uploader = startReportUploader({ db, client, deviceId: 'd', hallCode: 'h', ...timers });
    await expect.poll(() => timers.armed.length).toBe(1);
    expect(client.batches).toHaveLength(1);
    expect(await db.invitationReports.count()).toBe(2);
    timers.fire();
    await expect.poll(() => client.batches.length).toBe(2);
    await expect.poll(() => db.invitationReports.count()).toBe(0);
    expect(await db.invitationReports.count()).toBe(0);
    uploader.stop();
    expect(timers.armed).toHaveLength(1); // the last one armed before the stop, which clears it
  });

  it('sends a long queue in batches of at most 200', async () => {
    const db = await deviceWith(450);
    const client = fakeClient();
    const uploader = startReportUploader({ db, client, deviceId: 'd', hallCode: 'h', ...manualTimers() });
    await uploader.notify();
    expect(client.batches.map((b) => b.reports.length)).toEqual([200, 200, 50]);
    expect(await db.invitationReports.count()).toBe(0);
    uploader.stop();
  });

  it('a report is stored with its invitation, due after the expiry and every screen, and not again for a known one', async () => {
    const db = await deviceWith(0);
    const invitation = makeInvitation({ receivedAtMs: 5_000_000 });
    const report = invitationReportOf(invitation, testContext, 5_000_000, 1234);
    const p = testContext.policies;
    expect(report).toMatchObject({
      invitationId: invitation.id,
      projectNo: invitation.case.projectNo,
      windowNo: testContext.window.no,
      free: false,
      clockOffsetMs: 1234,
      dueAtMs: 5_000_000 + p.invitationExpiryMin * 60_000 + (p.inviteTimeoutSec + p.detailsTimeoutSec + p.thanksSec) * 1000 + 5 * 60_000,
    });
    await storeInvitation(db, invitation, report);
    await storeInvitation(db, invitation, { ...report, dueAtMs: 1 });
    expect((await db.invitationReports.toArray()).map((r) => r.report.dueAtMs)).toEqual([report.dueAtMs]);
  });
});
