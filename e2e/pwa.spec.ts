import type { Page } from '@playwright/test';
import { expect, openAdmin, openEvaluator, readOutbox, test } from './fixtures';

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
  // The same notice serves a kiosk's host and a tablet's intake feed, so it names neither.
  await expect(page.getByRole('status')).toHaveText('正在连接…');

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

test('persistent storage is requested, and the admin is warned when storage is over 80 % full', async ({ page, evaluator }) => {
  // Chromium's real quota is far from full in a test: report 90 % used, as a full tablet would.
  await page.addInitScript(() => {
    const asked: string[] = [];
    Object.defineProperty(window, '__storageCalls', { value: asked });
    navigator.storage.estimate = () => Promise.resolve({ usage: 900 * 1024 * 1024, quota: 1000 * 1024 * 1024 });
    navigator.storage.persisted = () => Promise.resolve(false);
    navigator.storage.persist = () => {
      asked.push('persist');
      return Promise.resolve(true);
    };
  });
  await openEvaluator(page, evaluator.host);
  await expect.poll(() => page.evaluate(() => (window as unknown as { __storageCalls: string[] }).__storageCalls)).toEqual(['persist']);
  await openAdmin(page);
  const storage = page.locator('[data-fact="storage"]');
  await expect(storage).toContainText('已用 90%（900.0 MB / 1000.0 MB）');
  await expect(storage).toContainText('已获得持久存储');
  await expect(storage.getByRole('alert')).toHaveText('存储空间即将用满，请尽快联网同步。未上传的评价不会被删除。');
});

test('starting and rating raise no Content-Security-Policy violation (the renderer runs zod without eval)', async ({ page, evaluator }) => {
  await page.addInitScript(() => {
    const violations: string[] = [];
    Object.defineProperty(window, '__cspViolations', { value: violations });
    document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await openEvaluator(page, evaluator.host);
  const invitationId = await evaluator.sendCaseEvent('P-CSP-1');
  await page.locator(`[data-invitation="${invitationId}"]`).getByRole('button', { name: /^非常满意/ }).click();
  await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
  expect(await readOutbox(page)).toHaveLength(1);
  expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
});
