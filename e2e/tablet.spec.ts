import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deviceContextFor } from '../contract/hallConfig';
import { startIntake } from '../intake/intakeServer';
import { demoHall, expect, launchHost, readOutbox, test } from './fixtures';
import { ADMIN_TOKEN } from './syncFixtures';

test.use({ hasTouch: true });

test('host-less tablet: invitations arrive from the intake feed, are rated by touch and reach the intake', async ({ page }) => {
  const caseEventToken = `tablet-case-${crypto.randomUUID()}`;
  const enrolmentToken = `tablet-enrol-${crypto.randomUUID()}`;
  const intake = await startIntake({
    dbFile: path.join(mkdtempSync(path.join(tmpdir(), 'e2e-tablet-')), 'intake.sqlite'),
    port: 0,
    corsOrigins: ['http://127.0.0.1:*'],
    enrolmentTokens: [{ token: enrolmentToken, deviceId: 'demo-pad-a01', expiresAtMs: Date.now() + 600_000 }],
    caseEventTokens: { 'demo-pad-a01': caseEventToken },
    adminToken: ADMIN_TOKEN,
    log: () => undefined,
  });
  const base = demoHall({ thanksSec: 1 });
  const hall = {
    ...base,
    intake: { url: intake.origin, batchSize: 500, syncIntervalSec: 5 },
    devices: base.devices.map((d) => (d.id === 'demo-pad-a01' ? { ...d, enrolmentToken } : d)),
  };
  // The host only serves the built files here: the page is opened without its bridge token.
  const { host } = await launchHost(hall);
  try {
    await page.goto(`${host.origin}/`);
    await expect(page.locator('[data-screen="idle"]')).toBeVisible();
    // Provisioning as a tablet would be: the device's context stored on the device.
    const context = deviceContextFor(hall, 'demo-pad-a01');
    await page.evaluate(
      (value) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('haochaping-evaluator');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction('meta', 'readwrite');
            tx.objectStore('meta').put({ key: 'deviceContext', value });
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
      JSON.stringify(context),
    );
    await page.reload();
    await expect(page.locator('.hall-name')).toHaveText('示范区政务服务中心');
    // Connected to the feed (after enrolling its key): the "connecting" notice goes away.
    await expect(page.getByRole('status')).toHaveCount(0, { timeout: 20_000 });

    const response = await fetch(`${intake.origin}/v1/devices/demo-pad-a01/case-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${caseEventToken}` },
      body: JSON.stringify({
        event: 'closed',
        case: { projectNo: 'P-TABLET-1', taskCode: '113401000000000001', taskName: '企业设立登记', deptName: '市场监督管理局', userProp: 1 },
        staff: { loginName: 'lisi', name: '李四' },
      }),
    });
    expect(response.status).toBe(202);
    const { invitationId } = (await response.json()) as { invitationId: string };

    const rating = page.locator(`[data-invitation="${invitationId}"]`);
    await expect(rating).toBeVisible();
    await expect(rating).toContainText('李四');
    await rating.getByRole('button', { name: /^非常满意/ }).tap();
    await expect(page.locator('[data-screen="thanks"]')).toBeVisible();

    await expect
      .poll(async () => {
        const stored = await fetch(`${intake.origin}/v1/admin/outcomes?deviceId=demo-pad-a01`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        return ((await stored.json()) as { outcomes: { id: string }[] }).outcomes.length;
      }, { timeout: 20_000 })
      .toBe(1);
    // Acknowledged by the intake, so the outbox is empty again.
    await expect.poll(async () => (await readOutbox(page)).length).toBe(0);
  } finally {
    await page.close();
    await host.close();
    await intake.close();
  }
});
