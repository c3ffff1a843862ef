import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeLaunchFile } from '../host/kioskBrowser';
import { expect, test } from './fixtures';

// The kiosk browser is given only the owner-only launch file (issue 19): in real Chromium its
// file: page hands over the one-time link, the host sets the HttpOnly SameSite=Strict session
// cookie, and the page's WebSocket carries it to the bridge.
test('the launch file opens the rating screen with a working bridge; the used link opens nothing in a fresh browser', async ({ page, browser, evaluator }) => {
  const launchFile = writeLaunchFile(mkdtempSync(path.join(tmpdir(), 'launch-')), evaluator.host.launchUrl());
  await page.goto(launchFile);
  await expect(page).toHaveURL(`${evaluator.host.origin}/`);
  await expect(page.locator('[data-screen="idle"]')).toBeVisible();
  await expect(page.getByRole('status')).toHaveCount(0);
  const cookies = await page.context().cookies(evaluator.host.origin);
  expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([['hcp_bridge', true, 'Strict']]);
  expect(await page.evaluate(() => document.cookie)).toBe('');

  const invitationId = await evaluator.sendCaseEvent('P-LAUNCH-1');
  await expect(page.locator(`[data-invitation="${invitationId}"]`)).toBeVisible();

  // Another browser given the same (used) file gets no session.
  const other = await browser.newContext();
  const stranger = await other.newPage();
  await stranger.goto(launchFile);
  await expect(stranger.locator('body')).toContainText('launch_link_used');
  expect(await other.cookies(evaluator.host.origin)).toEqual([]);
  await other.close();
});
