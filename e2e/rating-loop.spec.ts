import { dumpDatabase, expect, openEvaluator, readInvitation, readOutbox, test } from './fixtures';
import { openSealedPhone } from './testSealingKey';

test('case event → rating screen → 非常不满意 with two reasons and a callback → durable outcome that survives reload', async ({ page, evaluator }) => {
  await openEvaluator(page, evaluator.host);
  const invitationId = await evaluator.sendCaseEvent('P20261122-0001');

  const rating = page.locator('[data-screen="rating"]');
  await expect(rating).toBeVisible();
  await expect(rating).toContainText('企业设立登记');
  await expect(rating).toContainText('张三');

  await page.getByRole('button', { name: /非常不满意/ }).click();
  await expect(page.locator('[data-screen="details"]')).toBeVisible();
  await page.getByRole('button', { name: '多头跑窗口和部门' }).click();
  await page.getByRole('button', { name: '服务态度差效率低' }).click();
  await page.getByLabel('意见或建议').fill('同一份材料交了三次');
  await page.getByLabel('允许公开我的评价内容').uncheck();
  await page.getByLabel('我希望工作人员回访我').check();
  await page.getByLabel('联系电话').fill('1380013');
  await page.getByRole('button', { name: '提交评价' }).click();
  await expect(page.getByRole('alert')).toContainText('请输入正确的手机或座机号码');
  await page.getByLabel('联系电话').fill('138 0013 8000');
  await page.getByRole('button', { name: '提交评价' }).click();
  await expect(page.locator('[data-screen="thanks"]')).toBeVisible();

  const check = (outcomes: Awaited<ReturnType<typeof readOutbox>>) => {
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({
      invitationId,
      seq: 1,
      deviceId: 'demo-pad-a01',
      outcome: 'rated',
      level: 1,
      tags: ['113', '115'],
      comment: '同一份材料交了三次',
      public: false,
      callback: { requested: true },
      channel: 'hall-pad',
      event: 'closed',
      case: { projectNo: 'P20261122-0001', taskCode: '113401000000000001', taskName: '企业设立登记', deptName: '市场监督管理局', userProp: 2 },
      staff: { loginName: 'zhangsan', name: '张三', staffNo: 'A0123' },
      window: { hallCode: 'demo-hall', windowNo: 'A01' },
      input: { method: 'touch' },
    });
  };
  const [stored] = await readOutbox(page);
  check([stored!]);
  // The phone is sealed to the intake's key: not in the device database in clear, and opens only there.
  expect(await dumpDatabase(page)).not.toMatch(/13800138000|138 0013 8000/);
  expect(openSealedPhone(stored!.callback.sealedPhone!)).toBe('13800138000');

  await page.reload();
  await expect(page.locator('[data-screen="idle"]')).toBeVisible();
  check(await readOutbox(page));
  await expect(page.getByRole('status')).toHaveCount(0); // token kept across the reload
});

test.describe('with a 10 s invite timeout', () => {
  test.use({ hostPolicies: { inviteTimeoutSec: 10, thanksSec: 1 } });

  test('an invitation nobody answers ends as unrated; no level is invented', async ({ page, evaluator }) => {
    await openEvaluator(page, evaluator.host);
    const invitationId = await evaluator.sendCaseEvent('P-UNRATED-1');
    await expect(page.locator('[data-screen="rating"]')).toBeVisible();
    await expect(page.locator('[data-screen="thanks"]')).toBeVisible({ timeout: 15_000 });
    await expect(page.locator('[data-screen="idle"]')).toBeVisible();
    const outcomes = await readOutbox(page);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ invitationId, outcome: 'unrated', tags: [], input: { method: 'none', inviteToPressMs: null } });
    expect(outcomes[0]).not.toHaveProperty('level');
  });
});

test('mashing a level button 20 times, and its key 20 times, records one outcome', async ({ page, evaluator }) => {
  await openEvaluator(page, evaluator.host);
  const invitationId = await evaluator.sendCaseEvent('P-MASH-1');
  const button = page.getByRole('button', { name: /^非常满意/ });
  const box = await button.boundingBox();
  if (!box) throw new Error('no level button');
  for (let i = 0; i < 20; i++) await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 20; i++) await page.keyboard.press('5');
  await expect(page.locator('[data-screen="idle"]')).toBeVisible({ timeout: 15_000 });
  const outcomes = await readOutbox(page);
  expect(outcomes).toHaveLength(1);
  expect(outcomes[0]).toMatchObject({ invitationId, outcome: 'rated', level: 5 });
  expect((await readInvitation(page, invitationId))?.extraPresses).toBeGreaterThanOrEqual(20);
});

test('a case event during a rating is queued and shown next, not lost; keys rate too', async ({ page, evaluator }) => {
  await openEvaluator(page, evaluator.host);
  const first = await evaluator.sendCaseEvent('P-QUEUE-1');
  await expect(page.locator(`[data-invitation="${first}"]`)).toBeVisible();
  const second = await evaluator.sendCaseEvent('P-QUEUE-2', { event: 'accepted' });
  await page.keyboard.press('4');
  await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
  await expect(page.locator(`[data-invitation="${second}"]`)).toBeVisible({ timeout: 15_000 });
  await page.getByRole('button', { name: '不评价' }).click();
  await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
  const outcomes = (await readOutbox(page)).sort((a, b) => a.seq - b.seq);
  expect(outcomes.map((o) => [o.invitationId, o.seq, o.outcome, o.level, o.input.method])).toEqual([
    [first, 1, 'rated', 4, 'keyboard'],
    [second, 2, 'declined', undefined, 'none'],
  ]);
});

test('an invitation sent while the page is closed is delivered when it opens', async ({ page, evaluator }) => {
  const invitationId = await evaluator.sendCaseEvent('P-OFFLINE-1');
  await page.goto(evaluator.host.appUrl);
  await expect(page.locator(`[data-invitation="${invitationId}"]`)).toBeVisible();
});

test('taps landing on a reason right after 非常不满意 tick nothing until the form is armed', async ({ page, evaluator }) => {
  await openEvaluator(page, evaluator.host);
  await evaluator.sendCaseEvent('P-MASH-BAD');
  const level1 = page.getByRole('button', { name: /非常不满意/ });
  await level1.click();
  // Learn where a reason sits, then go back and hit that spot at once after pressing again.
  const tag = page.locator('[data-tag="108"]');
  await expect(page.locator('fieldset.details-fields')).toBeEnabled();
  const tagBox = await tag.boundingBox();
  if (!tagBox) throw new Error('no tag');
  await page.getByRole('button', { name: '重新选择' }).click();
  await level1.click();
  for (let i = 0; i < 5; i++) await page.mouse.click(tagBox.x + tagBox.width / 2, tagBox.y + tagBox.height / 2);
  await expect(page.locator('fieldset.details-fields')).toBeEnabled();
  await expect(tag).toHaveAttribute('aria-pressed', 'false');
  await tag.click();
  await expect(tag).toHaveAttribute('aria-pressed', 'true');
  expect(await readOutbox(page)).toHaveLength(0);
});
