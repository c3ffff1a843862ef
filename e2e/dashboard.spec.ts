import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test as base, expect } from '@playwright/test';
import { startIntake, type RunningIntake } from '../intake/server';
import {
  CALLBACK_PHONE,
  FIXTURE_NOW,
  loadDashboardFixture,
  NON_PUBLIC_COMMENT,
  NON_PUBLIC_PHONE,
  PUBLIC_COMMENT_WITH_PHONE,
} from '../intake/testing/dashboardFixture';

const ROOT = path.resolve(import.meta.dirname, '..');
const ADMIN_TOKEN = 'e2e-dashboard-admin-token-0123456789';
const H1_TOKEN = 'e2e-h1-dashboard-token-0123456789ab';
const NOVEMBER = 'hall=H1&from=2026-11-01&to=2026-11-30';
/** Any mainland mobile number, with or without separators. */
const PHONE_LIKE = /1[3-9]\d(?:[\s-]?\d){8}/;

/** The reference intake serving the built dashboard page, holding the hand-computed fixture. */
const test = base.extend<{ intake: RunningIntake }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures must destructure their dependencies
  intake: async ({}, use) => {
    const intake = await startIntake({
      dbFile: path.join(mkdtempSync(path.join(tmpdir(), 'e2e-dashboard-')), 'intake.sqlite'),
      port: 0,
      corsOrigins: [],
      adminToken: ADMIN_TOKEN,
      dashboardTokens: { H1: H1_TOKEN },
      dashboardAppDir: path.join(ROOT, 'dist'),
      // The fixture's overdue figures are as of this time.
      now: () => FIXTURE_NOW,
      log: () => undefined,
    });
    await loadDashboardFixture(intake.store);
    await use(intake);
    await intake.close();
  },
});

test('the public display shows public comments (numbers masked) and never a non-public comment, a name or a phone number', async ({ page, intake }) => {
  const bodies: Array<Promise<string>> = [];
  page.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/v1/')) bodies.push(response.text());
  });
  await page.goto(`${intake.origin}/display?${NOVEMBER}`);
  const display = page.locator('[data-screen="public-display"]');
  await expect(display.getByText('服务热情，效率很高，一次就办好了')).toBeVisible();
  await expect(display.getByText('态度好，效率高')).toBeVisible();
  await expect(display.getByText('排队太久，材料要求反复提交，电话***********')).toBeVisible();
  await expect(display.getByRole('img', { name: '各部门好评与差评数' })).toBeVisible();
  // Counts and rates of the hand-computed fixture (8 outcomes, 6 rated, 4 good, 2 bad).
  await expect(display.locator('.figure').first()).toContainText('8');
  await expect(display.getByText('66.7%', { exact: true }).first()).toBeVisible();
  // The channels apart (issue 24), counted only: the fixture's eight endings came from the hall's devices.
  const channelRow = (name: string) => display.locator('.counts-table tbody tr').filter({ has: page.getByRole('rowheader', { name }) });
  await expect(channelRow('评价器（平板、评价终端）').locator('td')).toHaveText(['8']);
  await expect(channelRow('扫码评价（评价器上的办件二维码）').locator('td')).toHaveText(['0']);

  const text = await page.locator('body').innerText();
  const html = await page.content();
  for (const secret of [NON_PUBLIC_COMMENT, '秘密', '生硬', NON_PUBLIC_PHONE, CALLBACK_PHONE, PUBLIC_COMMENT_WITH_PHONE, '13812345678', '张三', '李四', 'zhangsan', 'lisi']) {
    expect(text).not.toContain(secret);
    expect(html).not.toContain(secret);
  }
  expect(text).not.toMatch(PHONE_LIKE);
  // Nor anywhere in what the page was sent.
  expect(bodies.length).toBeGreaterThan(0);
  for (const body of await Promise.all(bodies)) {
    expect(body).not.toContain(NON_PUBLIC_PHONE);
    expect(body).not.toContain(CALLBACK_PHONE);
    expect(body).not.toContain('秘密');
    expect(body).not.toMatch(PHONE_LIKE);
  }
});

test('the admin dashboard needs a token and shows the hand-computed counts', async ({ page, intake }) => {
  await page.goto(`${intake.origin}/dashboard?${NOVEMBER}`);
  const login = page.locator('[data-screen="dashboard-login"]');
  await login.getByLabel('访问令牌').fill('not-a-real-token');
  await login.getByRole('button', { name: '进入' }).click();
  await expect(page.locator('[data-screen="dashboard-login"] [role="alert"]')).toContainText('dashboard routes need');

  await page.locator('[data-screen="dashboard-login"]').getByLabel('访问令牌').fill(H1_TOKEN);
  await page.getByRole('button', { name: '进入' }).click();
  const board = page.locator('[data-screen="dashboard"]');
  const figure = (label: string) => board.locator(`[data-figure="${label}"] .figure-value`);
  // H1's November by hand (dashboardFixture.ts): outcomes 1–7 and 10.
  for (const [label, value] of [
    ['评价总数', '8'],
    ['已评价', '6'],
    ['好评', '4'],
    ['差评', '2'],
    ['好评率', '66.7%'],
    ['未评价占比', '25.0%'],
    ['差评整改完成率', '50.0%'],
    ['整改超期', '1'],
  ]) {
    await expect(figure(label as string), label).toHaveText(value as string);
  }
  const rowOf = (name: string) => board.locator('.counts-table tbody tr').filter({ has: page.getByRole('rowheader', { name }) });
  // dept, total, good, bad, unrated+declined, good rate, follow-ups opened, closed, overdue, completion
  await expect(rowOf('市场监督管理局').locator('td')).toHaveText(['4', '3', '1', '0', '75.0%', '1', '1', '0', '100.0%']);
  await expect(rowOf('税务局').locator('td')).toHaveText(['4', '1', '1', '2', '50.0%', '1', '0', '1', '0.0%']);
  await expect(board.getByRole('img', { name: '每日好评与差评数' })).toBeVisible();
  // The channels apart (issue 24): the fixture's eight endings all came from the hall's devices.
  await expect(rowOf('评价器（平板、评价终端）').locator('td')).toHaveText(['8', '—']);
  await expect(rowOf('扫码评价（窗口张贴的二维码）').locator('td')).toHaveText(['0', '0']);

  // Managers see staff by name; the token is kept for the tab only.
  await board.getByLabel('维度').selectOption('staff');
  await expect(rowOf('李四').locator('td').first()).toHaveText('4');
  await expect(rowOf('张三').locator('td').first()).toHaveText('4');

  const download = page.waitForEvent('download');
  await board.getByRole('button', { name: '导出 CSV' }).click();
  expect((await download).suggestedFilename()).toBe('dashboard-H1-staff-total-2026-11-01-2026-11-30.csv');
});
