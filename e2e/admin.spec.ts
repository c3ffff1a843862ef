import { expect, openAdmin, openEvaluator, test } from './fixtures';

test('the admin panel needs the PIN; wrong PINs lock the pad out; a rating closes the panel', async ({ page, evaluator }) => {
  await openEvaluator(page, evaluator.host);
  await openAdmin(page, '0000');
  await expect(page.getByRole('alert')).toHaveText('密码错误');
  await page.getByLabel('管理密码').fill('1111');
  await page.getByRole('button', { name: '确定' }).click();
  await expect(page.getByRole('alert')).toHaveText('密码错误');
  await page.getByLabel('管理密码').fill('2222');
  await page.getByRole('button', { name: '确定' }).click();
  await expect(page.getByRole('alert')).toContainText('秒后重试');
  // Locked: even the right PIN is refused now.
  await page.getByLabel('管理密码').fill('2468');
  await page.getByRole('button', { name: '确定' }).click();
  await expect(page.getByRole('alert')).toContainText('秒后重试');
  await expect(page.locator('[data-screen="admin"]')).toHaveCount(0);
  await page.getByRole('button', { name: '取消' }).click();
  await expect(page.locator('[data-screen="idle"]')).toBeVisible();
});

test('the right PIN opens the panel, and an invitation takes the screen back at once', async ({ page, evaluator }) => {
  await openEvaluator(page, evaluator.host);
  await openAdmin(page);
  await expect(page.locator('[data-screen="admin"]')).toBeVisible();
  await expect(page.getByRole('button', { name: '退出自助模式' })).toBeVisible();
  const invitationId = await evaluator.sendCaseEvent('P-ADMIN-1');
  await expect(page.locator(`[data-invitation="${invitationId}"]`)).toBeVisible();
});
