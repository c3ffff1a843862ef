import { expect, openAdmin, readOutbox, test } from './fixtures';
import { launchSyncedEvaluator, rate } from './syncFixtures';

test('ratings reach the intake; a refused one is kept in the admin dead-letter list with its reason', async ({ page }) => {
  const evaluator = await launchSyncedEvaluator();
  try {
    await page.goto(evaluator.host.appUrl);
    await expect(page.locator('[data-screen="idle"]')).toBeVisible();
    for (let i = 0; i < 3; i++) await rate(page, evaluator.sendCaseEvent, `P-SYNC-${i}`, String(5 - i));
    await expect.poll(() => evaluator.intakeIds().then((ids) => ids.length), { timeout: 15_000 }).toBe(3);
    await expect.poll(() => readOutbox(page).then((o) => o.length)).toBe(0);

    // A stored outcome that breaks the contract (say, written by an older app version).
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('haochaping-evaluator');
          open.onsuccess = () => {
            const tx = open.result.transaction('outbox', 'readwrite');
            tx.objectStore('outbox').put({ id: '019a0000-0000-7000-8000-00000000dead', seq: 999, invitationId: '019a0000-0000-7000-8000-00000000beef', tags: ['bad'], case: { projectNo: 'P-CORRUPT' }, storedAtMs: Date.now() });
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
          };
        }),
    );
    await openAdmin(page);
    const admin = page.locator('[data-screen="admin"]');
    await expect(admin).toBeVisible();
    await admin.getByRole('button', { name: '立即同步' }).click();
    await expect(admin.locator('[data-fact="deadLetters"]')).toHaveText('1');
    await expect(admin.locator('[data-fact="unsent"]')).toHaveText('0');
    await expect(admin.locator('[data-fact="state"]')).toHaveText('已同步');
    const row = admin.locator('[data-dead-letter="019a0000-0000-7000-8000-00000000dead"]');
    await expect(row).toContainText('P-CORRUPT');
    await expect(row).toContainText('invalid');
    expect(await evaluator.intakeIds()).toHaveLength(3);
  } finally {
    await evaluator.close();
  }
});
