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
