import { startMockProvince } from '../scripts/mockProvinceStart';
import { expect, test } from './fixtures';
import { ADMIN_TOKEN, launchSyncedEvaluator, rate } from './syncFixtures';

/**
 * Issue 22, end to end: a rating made on the PAD syncs to the intake, the intake forwards it to
 * the (mock) province through its own interface, and the province's ack id shows on the intake's
 * admin page, as `npm start` wires it for a newcomer.
 */
test('a rating made on the PAD reaches the mock province, and its ack id shows on the admin page', async ({ page }) => {
  const province = await startMockProvince('fujian');
  const saved = { ...process.env };
  // The intake reads its forwarding set-up from the environment at start; forwarded at once here (no details wait).
  Object.assign(process.env, province.env, { FORWARD_SETTLE_SEC: '0', FORWARD_INTERVAL_MS: '300' });
  const evaluator = await launchSyncedEvaluator();
  try {
    await page.goto(evaluator.host.appUrl);
    await expect(page.locator('[data-screen="idle"]')).toBeVisible();
    await rate(page, evaluator.sendCaseEvent, 'P-FORWARD-1', '5');

    await expect.poll(() => province.records().map((r) => r.projectNo), { timeout: 30_000 }).toEqual(['P-FORWARD-1']);
    const ackId = province.records()[0]!.unid;

    await page.goto(`${evaluator.intake.origin}/admin`);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Load' }).click();
    const row = page.locator('#forwardRecords tbody tr', { hasText: 'P-FORWARD-1' });
    await expect(row).toContainText('acknowledged');
    await expect(row.locator('.ackId')).toHaveText(ackId);
    await expect(page.locator('#forwardReport tbody tr')).toContainText(['fujian']);
    // 补报 for today from the same panel: the rating is already queued, so nothing more goes.
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    await page.getByLabel('Destination', { exact: true }).fill('fujian');
    await page.getByLabel('From', { exact: true }).fill(today);
    await page.getByLabel('To', { exact: true }).fill(today);
    await page.getByRole('button', { name: 'Queue 补报 run' }).click();
    await expect(page.locator('#lateStatus')).toHaveText('0 ratings queued for fujian');
    expect(province.records()).toHaveLength(1);
  } finally {
    await evaluator.close();
    await province.close();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  }
});
