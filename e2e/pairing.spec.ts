import { hashPin } from '../shared-node/adminPin';
import type { Outcome } from '../contract/outcome';
import { expect, openAdmin, test } from './fixtures';
import { launchSyncedEvaluator, rate, type SyncedEvaluator } from './syncFixtures';

const PASSWORD = 'window-A01-pass';
const staffDirectory = [{ loginName: 'zhangsan', name: '张三', staffNo: 'A0123', passwordHash: hashPin(PASSWORD) }];

function storedOutcomes(evaluator: SyncedEvaluator): Outcome[] {
  return evaluator.intake.db
    .prepare<[], { body: string }>('SELECT body FROM outcomes ORDER BY seq')
    .all()
    .map((row) => JSON.parse(row.body) as Outcome);
}

test('staff pair with the pairing code at the intake; the staff card shows; ratings name the staff and are not flagged unpaired', async ({ page, context }) => {
  const evaluator = await launchSyncedEvaluator({ staffDirectory });
  try {
    await page.goto(evaluator.host.appUrl);
    const idle = page.locator('[data-screen="idle"]');
    await expect(idle).toBeVisible();

    // Before pairing: a rating is recorded, and flagged as made with nobody signed in.
    await rate(page, evaluator.sendCaseEvent, 'P-PAIR-0', '4');
    const codeShown = idle.locator('[data-pairing-code]');
    await expect(codeShown).toBeVisible({ timeout: 15_000 });
    await expect(idle.locator('.pairing-qr img')).toBeVisible();
    const code = (await codeShown.getAttribute('data-pairing-code')) ?? '';
    expect(code).toMatch(/^\d{6}$/);

    // The staff member confirms on the intake's pairing page, as after scanning the QR.
    const staffPage = await context.newPage();
    await staffPage.goto(`${evaluator.intake.origin}/pair?code=${code}`);
    await expect(staffPage.locator('#code')).toHaveValue(code);
    await staffPage.locator('#loginName').fill('zhangsan');
    await staffPage.locator('#password').fill(PASSWORD);
    await staffPage.getByRole('button', { name: /Confirm/ }).click();
    await expect(staffPage.getByRole('status')).toContainText('张三');
    await staffPage.close();

    const card = idle.locator('.staff-card[data-staff="zhangsan"]');
    await expect(card).toBeVisible({ timeout: 10_000 });
    await expect(card).toContainText('张三');
    await expect(card).toContainText('工号 A0123');
    await expect(card.locator('.staff-photo-placeholder')).toHaveText('张');
    await expect(idle.locator('[data-pairing-code]')).toHaveCount(0);

    await rate(page, evaluator.sendCaseEvent, 'P-PAIR-1', '5');
    await expect.poll(() => storedOutcomes(evaluator).length, { timeout: 15_000 }).toBe(2);
    const [before, after] = storedOutcomes(evaluator);
    expect(before?.flags).toContain('unpaired');
    expect(before?.signedIn).toBeUndefined();
    expect(after?.staff.loginName).toBe('zhangsan');
    // The rating carries who was signed in at the window, and how: here through the pairing code.
    expect(after?.signedIn).toMatchObject({ staff: { loginName: 'zhangsan', name: '张三', staffNo: 'A0123' }, via: 'pairing-code' });
    expect(after?.window).toEqual({ hallCode: 'demo-hall', windowNo: 'A01', windowName: '综合受理 1 号窗口' });
    expect(after?.flags).not.toContain('unpaired');

    // Sign-out on request, in the admin panel behind the PIN (confirmed), then the device offers a new code.
    await expect(card.getByRole('button')).toHaveCount(0);
    await openAdmin(page);
    const admin = page.locator('[data-screen="admin"]');
    await admin.getByRole('button', { name: '签退' }).click();
    await admin.getByRole('button', { name: '确认签退' }).click();
    await expect(admin.locator('[data-fact="staff"]')).toContainText('工作人员未登录');
    await admin.getByRole('button', { name: '关闭' }).click();
    await expect(idle.locator('[data-staff]')).toHaveCount(0);
    await expect(idle.locator('[data-pairing-code]')).toBeVisible({ timeout: 15_000 });
    expect(await idle.locator('[data-pairing-code]').getAttribute('data-pairing-code')).not.toBe(code);
  } finally {
    await evaluator.close();
  }
});

test('the window business system signs staff in and out through the host', async ({ page }) => {
  const evaluator = await launchSyncedEvaluator();
  try {
    await page.goto(evaluator.host.appUrl);
    const idle = page.locator('[data-screen="idle"]');
    await expect(idle).toBeVisible();
    const post = (body: unknown) =>
      fetch(`${evaluator.host.origin}/api/staff-session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${evaluator.host.caseEventToken}` },
        body: JSON.stringify(body),
      });
    expect((await post({ event: 'login', staff: { loginName: 'zhangsan', name: '张三', staffNo: 'A0123' } })).status).toBe(200);
    await expect(idle.locator('[data-staff="zhangsan"]')).toContainText('工号 A0123');
    await page.reload();
    await expect(idle.locator('[data-staff="zhangsan"]')).toBeVisible();
    await rate(page, evaluator.sendCaseEvent, 'P-LOGIN-1', '5');
    await expect.poll(() => storedOutcomes(evaluator).length, { timeout: 15_000 }).toBe(1);
    expect(storedOutcomes(evaluator)[0]?.flags).not.toContain('unpaired');
    expect(storedOutcomes(evaluator)[0]?.signedIn).toMatchObject({ staff: { loginName: 'zhangsan' }, via: 'login-event' });

    expect((await post({ event: 'logout' })).status).toBe(200);
    await expect(idle.locator('[data-staff]')).toHaveCount(0);
  } finally {
    await evaluator.close();
  }
});
