import type { Page } from '@playwright/test';
import { expect, openEvaluator, readOutbox, test } from './fixtures';

/** Waits until the service worker has precached the app and controls this page. */
async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise<void>((resolve) => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }));
    }
  });
}

test('after one online visit the app starts offline: idle screen, and a rating made offline lands in the outbox', async ({ page, context, evaluator }) => {
  await openEvaluator(page, evaluator.host);
  await waitForServiceWorker(page);
  const manifest = await page.evaluate(() => document.querySelector<HTMLLinkElement>('link[rel="manifest"]')?.href ?? null);
  expect(manifest).not.toBeNull();

  // Offline: the reload is answered by the service worker, and the idle screen comes up.
  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('[data-screen="idle"]')).toBeVisible();
  await expect(page.locator('.hall-name')).toHaveText('示范区政务服务中心');

  // Online again for an invitation to arrive; then the network goes away before the citizen rates.
  await context.setOffline(false);
  await page.reload();
  await expect(page.getByRole('status')).toHaveCount(0);
  const invitationId = await evaluator.sendCaseEvent('P-OFFLINE-1');
  await expect(page.locator(`[data-invitation="${invitationId}"]`)).toBeVisible();
  await context.setOffline(true);
  await page.reload();
  const rating = page.locator(`[data-invitation="${invitationId}"]`);
  await expect(rating).toBeVisible();
  await rating.getByRole('button', { name: /^满意/ }).click();
  await expect(page.locator('[data-screen="thanks"]')).toBeVisible();

  const outbox = await readOutbox(page);
  expect(outbox).toHaveLength(1);
  expect(outbox[0]).toMatchObject({ invitationId, outcome: 'rated', level: 4 });
});
