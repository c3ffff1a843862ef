import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchKillableChromium } from './chromiumProcess';
import { expect, readOutbox, test } from './fixtures';
import { launchSyncedEvaluator, rate } from './syncFixtures';

// Tracing would reach into the browser this test kills; it drives its own Chromium process.
test.use({ trace: 'off' });

test('browser SIGKILLed mid-sync: after restart every outcome is at the intake exactly once', async () => {
  test.setTimeout(120_000);
  const evaluator = await launchSyncedEvaluator();
  const profile = mkdtempSync(path.join(tmpdir(), 'e2e-profile-'));
  try {
    let chromium = await launchKillableChromium(profile);
    let page = await chromium.browser.contexts()[0]!.newPage();
    await page.goto(evaluator.host.appUrl);
    await expect(page.locator('[data-screen="idle"]')).toBeVisible();
    // Hold every upload for 2.5 s: the kill lands while batches are in flight.
    evaluator.proxy.setPlan(() => ({ kind: 'delay', ms: 2500 }));
    const created: string[] = [];
    for (let i = 0; i < 4; i++) {
      await rate(page, evaluator.sendCaseEvent, `P-KILL-${i}`, '5');
      created.push(...(await readOutbox(page)).map((o) => o.id));
    }
    const ids = [...new Set(created)];
    expect(ids).toHaveLength(4);
    expect((await readOutbox(page)).length, 'uploads are still in flight at the kill').toBeGreaterThan(0);
    await chromium.kill();

    evaluator.proxy.setPlan(() => ({ kind: 'pass' }));
    chromium = await launchKillableChromium(profile);
    page = await chromium.browser.contexts()[0]!.newPage();
    await page.goto(evaluator.host.appUrl);
    await expect.poll(() => readOutbox(page).then((o) => o.length), { timeout: 30_000 }).toBe(0);
    const atIntake = await evaluator.intakeIds();
    expect([...atIntake].sort()).toEqual([...ids].sort());
    await chromium.kill();
  } finally {
    await evaluator.close();
  }
});
