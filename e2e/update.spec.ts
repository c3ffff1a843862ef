import { execFile } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { demoHall, expect, launchHost, openEvaluator, readOutbox, test } from './fixtures';
import { openSealedPhone, TEST_SEALING_PUBLIC_KEY } from './testSealingKey';

/**
 * Issue 15, "an update never breaks a rating": a new build is deployed while a rating screen is up
 * and no outcome is recorded on that page yet. The press and its details (a 差评 with a sealed
 * callback phone) are recorded by the old page, and the new version loads only at idle.
 *
 * Two builds of this tree: A, and B with its files under another folder, so that after the
 * deploy none of A's chunks is on the host any more (the worst case of a new build). The host
 * serves a symlink that the deploy re-points from A to B.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
// Made in beforeAll: the runner also loads this file just to list its tests.
let WORK = '';
const BUILD_A = () => path.join(WORK, 'a');
const BUILD_B = () => path.join(WORK, 'b');
const LIVE = () => path.join(WORK, 'live');

function build(outDir: string, ...args: string[]): Promise<unknown> {
  const vite = path.join(ROOT, 'node_modules/vite/bin/vite.js');
  return promisify(execFile)(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error', ...args], { cwd: ROOT });
}

/** Atomically re-points what the host serves, as a deploy that swaps the build folder would. */
function deploy(dir: string): void {
  const next = `${LIVE()}.next`;
  rmSync(next, { force: true });
  symlinkSync(dir, next);
  renameSync(next, LIVE());
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  WORK = mkdtempSync(path.join(tmpdir(), 'e2e-update-'));
  await Promise.all([build(BUILD_A()), build(BUILD_B(), '--assetsDir', 'assets-b')]);
});
test.beforeEach(() => deploy(BUILD_A()));
test.afterAll(() => {
  if (WORK) rmSync(WORK, { recursive: true, force: true });
});

const HALL = { ...demoHall({ thanksSec: 1 }), intake: { url: 'http://127.0.0.1:9/', batchSize: 500, syncIntervalSec: 30, sealingPublicKey: TEST_SEALING_PUBLIC_KEY } };

/** The entry script this page was loaded with: which build it runs. Null while it reloads. */
function entryOf(page: Page): Promise<string | null> {
  return page
    .evaluate(() => {
      const script = document.querySelector<HTMLScriptElement>('script[type="module"][src]');
      return script ? new URL(script.src).pathname : null;
    })
    .catch(() => null);
}

/**
 * Waits for the page to run the build whose entry matches, on its idle screen. Soft: when it never
 * does, the test still goes on to check what was recorded.
 */
async function reloadsInto(page: Page, entry: RegExp): Promise<void> {
  await expect.configure({ soft: true }).poll(() => entryOf(page), { message: 'the page reloads into the new build at idle', timeout: 15_000 }).toMatch(entry);
  await expect(page.locator('[data-screen="idle"]')).toBeVisible();
}

/** A 差评 with a reason and a callback phone, on the rating screen of the invitation. */
async function rateBadWithCallback(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^非常不满意/ }).click();
  await expect(page.locator('[data-screen="details"]')).toBeVisible();
  await page.locator('[data-tag="115"]').click();
  await page.getByLabel('我希望工作人员回访我').check();
  await page.getByLabel('联系电话').fill('138 0013 8000');
  await page.getByRole('button', { name: '提交评价' }).click();
  await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
}

/** The press and its details, both in the outbox, the phone sealed to the intake. */
async function expectPressAndDetails(page: Page, invitationId: string): Promise<void> {
  const outbox = (await readOutbox(page)).filter((o) => o.invitationId === invitationId);
  const press = outbox.find((o) => !o.amends);
  expect(press).toMatchObject({ outcome: 'rated', level: 1 });
  const details = outbox.find((o) => o.amends?.kind === 'details');
  expect(details).toMatchObject({ amends: { outcomeId: press?.id }, level: 1, tags: ['115'], callback: { requested: true } });
  expect(details?.callback.sealedPhone, 'the callback phone is sealed (libsodium was there to seal it)').toBeDefined();
  expect(openSealedPhone(details?.callback.sealedPhone ?? '')).toBe('13800138000');
}

/** After the reload into B: connected again, and a new rating is recorded by the new build. */
async function expectNewBuildRates(page: Page, sendCaseEvent: (projectNo: string) => Promise<string>): Promise<void> {
  await expect(page.locator('[data-screen="idle"]')).toBeVisible();
  await expect(page.getByRole('status')).toHaveCount(0);
  const invitationId = await sendCaseEvent('P-UPDATE-AFTER');
  await page.locator(`[data-invitation="${invitationId}"]`).getByRole('button', { name: /^非常满意/ }).click();
  await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
  await expect.poll(async () => (await readOutbox(page)).filter((o) => o.invitationId === invitationId).map((o) => o.level)).toEqual([5]);
}

test('kiosk with a service worker: a new worker installed mid-rating waits; press and details are recorded; the new version loads at idle', async ({ page }) => {
  const { host, sendCaseEvent } = await launchHost(HALL, { staticDir: LIVE() });
  try {
    await openEvaluator(page, host);
    // The first worker precaches build A and controls the page.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    });
    const entryA = await entryOf(page);
    expect(entryA).toMatch(/^\/assets\/index-/);
    const invitationId = await sendCaseEvent('P-UPDATE-SW');
    await expect(page.locator(`[data-invitation="${invitationId}"]`)).toBeVisible();

    deploy(BUILD_B());
    // A's files are gone from the host: an old chunk is answered with the new page, not itself.
    expect((await fetch(`${host.origin}${entryA}`)).headers.get('content-type')).toContain('text/html');
    // The browser looks for a new worker (as it does on its own, or the page's periodic check):
    // build B's worker installs while the citizen is still on the rating screen.
    const workerState = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      await registration?.update();
      const worker = registration?.installing ?? registration?.waiting;
      if (!worker) return 'none';
      await new Promise<void>((resolve) => {
        const settled = () => worker.state !== 'installing' && resolve();
        worker.addEventListener('statechange', settled);
        settled();
      });
      // A worker that skips waiting goes on to activate (and drop A's files) at once: give it time to.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return worker.state;
    });
    expect.soft(workerState, 'the new worker waits instead of taking over mid-rating').toBe('installed');

    await rateBadWithCallback(page);
    expect(await entryOf(page), 'no reload before idle').toBe(entryA);
    // Thanks, then idle: the new worker takes over and the page reloads into build B.
    await reloadsInto(page, /^\/assets-b\/index-/);
    await expectPressAndDetails(page, invitationId);
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await expectNewBuildRates(page, sendCaseEvent);
  } finally {
    await host.close();
  }
});

test.describe('kiosk without a service worker (Electron, Chromium kiosk)', () => {
  test.use({ serviceWorkers: 'block' });

  test('the host serves a new build mid-rating: press and details are recorded; the page reloads into it at idle', async ({ page }) => {
    const { host, sendCaseEvent } = await launchHost(HALL, { staticDir: LIVE() });
    try {
      await openEvaluator(page, host);
      const entryA = await entryOf(page);
      expect(entryA).toMatch(/^\/assets\/index-/);
      const invitationId = await sendCaseEvent('P-UPDATE-HOST');
      await expect(page.locator(`[data-invitation="${invitationId}"]`)).toBeVisible();

      deploy(BUILD_B());
      expect((await fetch(`${host.origin}${entryA}`)).headers.get('content-type')).toContain('text/html');

      await rateBadWithCallback(page);
      expect(await entryOf(page), 'no reload before idle').toBe(entryA);
      // At idle the page finds another build in version.json and reloads into it.
      await reloadsInto(page, /^\/assets-b\/index-/);
      await expectPressAndDetails(page, invitationId);
      await expectNewBuildRates(page, sendCaseEvent);
    } finally {
      await host.close();
    }
  });
});
