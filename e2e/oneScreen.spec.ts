import { expect, openEvaluator, readOutbox, test } from './fixtures';

// One page of a device runs the rating screen (src/tabs/screenOwnership.ts): a second tab or a
// window opened twice shows a calm notice, records nothing, and takes over when the first closes.
test('a second page of the device waits with a notice, and takes over the pending invitation when the first page closes', async ({ page, context, evaluator }) => {
  await openEvaluator(page, evaluator.host);
  const second = await context.newPage();
  await second.goto(evaluator.host.appUrl);
  await expect(second.locator('[data-screen="inUseElsewhere"]')).toBeVisible();
  await expect(second.getByRole('status')).toContainText('本设备的评价屏已在另一个窗口中打开');

  const invitationId = await evaluator.sendCaseEvent('P20261130-0001');
  await expect(page.locator('[data-screen="rating"]')).toBeVisible();
  // The waiting page shows no rating screen of its own: a citizen cannot rate the case twice.
  await expect(second.locator('[data-screen="rating"]')).toHaveCount(0);
  await expect(second.locator('[data-screen="inUseElsewhere"]')).toBeVisible();

  await page.close();
  // The invitation is still pending in the device's database: the page that takes over shows it.
  await expect(second.locator('[data-screen="rating"]')).toBeVisible();
  await second.getByRole('button', { name: /^非常满意/ }).click();
  await expect(second.locator('[data-screen="thanks"]')).toBeVisible();
  const outcomes = await readOutbox(second);
  expect(outcomes.map((o) => [o.invitationId, o.outcome, o.level])).toEqual([[invitationId, 'rated', 5]]);
});
