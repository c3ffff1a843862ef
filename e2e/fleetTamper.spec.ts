import type { FleetDevice, FleetResponse } from '../contract/heartbeat';
import { expect, openEvaluator, readOutbox, test } from './fixtures';
import { ADMIN_TOKEN, launchSyncedEvaluator } from './syncFixtures';

// Issue 20: the newest outcomes deleted from IndexedDB before they were sent show at the intake
// within one heartbeat (the chain alone shows them only when the device rates again). The page's
// clock is Playwright's: the heartbeat interval passes by clock, not by sleeping.
test('deleting the newest outcomes before sync is flagged head-regressed at the next heartbeat', async ({ page }) => {
  const rig = await launchSyncedEvaluator();
  try {
    // Outcomes stay on the device: every upload is answered 503 before it reaches the intake.
    rig.proxy.setPlan(({ path }) => (path.startsWith('/v1/outcomes') ? { kind: 'status', status: 503 } : { kind: 'pass' }));
    await page.clock.install();
    await openEvaluator(page, rig.host);
    const fleet = async (): Promise<FleetDevice | undefined> => {
      const response = await fetch(`${rig.intake.origin}/v1/admin/fleet`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      return ((await response.json()) as FleetResponse).devices.find((d) => d.deviceId === 'demo-pad-a01');
    };
    // Enrolled, the device sends its first heartbeat at once.
    await expect.poll(async () => (await fleet())?.lastHeartbeatAt ?? null, { timeout: 20_000 }).not.toBeNull();

    for (const projectNo of ['P20261130-T1', 'P20261130-T2']) {
      const id = await rig.sendCaseEvent(projectNo);
      await expect(page.locator(`[data-invitation="${id}"]`)).toBeVisible();
      await page.getByRole('button', { name: /^非常满意/ }).click();
      await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
      await page.clock.runFor(2_000);
      await expect(page.locator('[data-screen="idle"]')).toBeVisible();
    }
    const outbox = (await readOutbox(page)).sort((a, b) => a.seq - b.seq);
    expect(outbox.map((o) => o.seq)).toEqual([1, 2]);

    // One interval on: the heartbeat shows both queued.
    await page.clock.runFor(60_000);
    await expect.poll(async () => (await fleet())?.chainHeadSeq, { timeout: 20_000 }).toBe(2);
    expect((await fleet())?.openFlags).toEqual([]);

    // A tamperer removes the newest outcome and sets the chain head back to the one before it.
    await page.evaluate(
      ({ seq, hash }) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('haochaping-evaluator');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            const tx = db.transaction(['outbox', 'meta'], 'readwrite');
            tx.objectStore('outbox').delete(seq + 1);
            tx.objectStore('meta').put({ key: 'chainHead', value: { seq, hash } });
            tx.oncomplete = () => {
              db.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
      { seq: 1, hash: outbox[0]!.hash },
    );
    await page.clock.runFor(60_000);
    await expect.poll(async () => (await fleet())?.openFlags.map((f) => f.kind), { timeout: 20_000 }).toEqual(['head-regressed']);
    expect((await fleet())?.openFlags[0]?.detail).toBe('chain head went back from seq 2 to seq 1');
  } finally {
    await rig.close();
  }
});

// Issue 20: an invitation whose only outcome is deleted before sync shows at the intake as
// missing-outcome once it is past due, from the invitation's report and the next heartbeat.
// The page clock and the intake's clock move on together, a minute at a time.
test('deleting an invitation only outcome before sync is flagged missing-outcome once it is past due', async ({ page }) => {
  let shift = 0;
  const rig = await launchSyncedEvaluator({ now: () => Date.now() + shift }, { invitationExpiryMin: 5 });
  try {
    rig.proxy.setPlan(({ path }) => (path.startsWith('/v1/outcomes') ? { kind: 'status', status: 503 } : { kind: 'pass' }));
    await page.clock.install();
    await openEvaluator(page, rig.host);
    const flags = async () => {
      const response = await fetch(`${rig.intake.origin}/v1/admin/fleet`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      return ((await response.json()) as FleetResponse).devices.find((d) => d.deviceId === 'demo-pad-a01')?.openFlags ?? [];
    };
    const id = await rig.sendCaseEvent('P20261130-M1');
    await expect(page.locator(`[data-invitation="${id}"]`)).toBeVisible();
    // The invitation's report reaches the intake at once (the outcome uploads are held back).
    await expect.poll(() => rig.intake.db.prepare('SELECT invitation_id AS id FROM invitation_reports').all(), { timeout: 20_000 }).toEqual([{ id }]);
    await page.getByRole('button', { name: /^非常满意/ }).click();
    await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
    await page.clock.runFor(2_000);
    await expect(page.locator('[data-screen="idle"]')).toBeVisible();
    expect((await readOutbox(page)).map((o) => o.invitationId)).toEqual([id]);

    // The outcome is deleted from IndexedDB before it was ever sent.
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('haochaping-evaluator');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            const tx = db.transaction('outbox', 'readwrite');
            tx.objectStore('outbox').clear();
            tx.oncomplete = () => {
              db.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
    );
    // Due after the 5 min expiry, every screen's timeout and 5 min to spare: 14 minutes on.
    for (let minute = 0; minute < 14; minute++) {
      shift += 60_000;
      await page.clock.runFor(60_000);
    }
    await expect.poll(async () => (await flags()).map((f) => f.kind), { timeout: 30_000 }).toContain('missing-outcome');
    expect((await flags()).find((f) => f.kind === 'missing-outcome')?.detail).toBe(`1 invitation(s) without an outcome after their due time: P20261130-M1 (${id})`);
  } finally {
    await rig.close();
  }
});
