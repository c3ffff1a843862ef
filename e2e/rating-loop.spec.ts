import { RATING_INPUT_GUARD_MS } from '../src/flow/machine';
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
  // The press is on disk before the details screen shows.
  expect((await readOutbox(page)).map((o) => [o.invitationId, o.seq, o.level, o.amends])).toEqual([[invitationId, 1, 1, undefined]]);
  await page.locator('[data-tag="113"]').click();
  await page.locator('[data-tag="115"]').click();
  await page.getByLabel('意见或建议').fill('同一份材料交了三次');
  await page.getByLabel('允许公开我的评价内容').uncheck();
  await page.getByLabel('我希望工作人员回访我').check();
  await page.getByLabel('联系电话').fill('1380013');
  await page.getByRole('button', { name: '提交评价' }).click();
  await expect(page.getByRole('alert')).toContainText('请输入正确的手机或座机号码');
  await page.getByLabel('联系电话').fill('138 0013 8000');
  await page.getByRole('button', { name: '提交评价' }).click();
  await expect(page.locator('[data-screen="thanks"]')).toBeVisible();

  // Two records: the press, durable before the details screen painted, and the details that amend it.
  const check = (outcomes: Awaited<ReturnType<typeof readOutbox>>) => {
    const [press, details] = [...outcomes].sort((a, b) => a.seq - b.seq);
    expect(outcomes).toHaveLength(2);
    const common = {
      invitationId,
      deviceId: 'demo-pad-a01',
      outcome: 'rated',
      level: 1,
      channel: 'hall-pad',
      event: 'closed',
      case: { projectNo: 'P20261122-0001', taskCode: '113401000000000001', taskName: '企业设立登记', deptName: '市场监督管理局', userProp: 2 },
      staff: { loginName: 'zhangsan', name: '张三', staffNo: 'A0123' },
      window: { hallCode: 'demo-hall', windowNo: 'A01' },
      input: { method: 'touch' },
    };
    expect(press).toMatchObject({ ...common, seq: 1, tags: [], callback: { requested: false } });
    expect(press).not.toHaveProperty('amends');
    expect(press).not.toHaveProperty('comment');
    expect(details).toMatchObject({
      ...common,
      seq: 2,
      amends: { outcomeId: press!.id, kind: 'details' },
      tags: ['113', '115'],
      comment: '同一份材料交了三次',
      public: false,
      callback: { requested: true },
    });
    return details!;
  };
  const stored = check(await readOutbox(page));
  // The phone is sealed to the intake's key: not in the device database in clear, and opens only there.
  expect(await dumpDatabase(page)).not.toMatch(/13800138000|138 0013 8000/);
  expect(openSealedPhone(stored.callback.sealedPhone!)).toBe('13800138000');

  await page.reload();
  await expect(page.locator('[data-screen="idle"]')).toBeVisible();
  check(await readOutbox(page));
  await expect(page.getByRole('status')).toHaveCount(0); // token kept across the reload
});

test.describe('with a 10 s invite timeout', () => {
  test.use({ hostPolicies: { inviteTimeoutSec: 10, thanksSec: 1 } });

  test('an invitation nobody answers ends as unrated; no level is invented', async ({ page, evaluator }) => {
    // The 10 s pass on the page's clock, not by sleeping.
    await page.clock.install();
    await openEvaluator(page, evaluator.host);
    const invitationId = await evaluator.sendCaseEvent('P-UNRATED-1');
    await expect(page.locator('[data-screen="rating"]')).toBeVisible();
    // Every timer of the first 5 s runs (a countdown ticking down would end the screen early here).
    await page.clock.runFor(5_000);
    await expect(page.locator('[data-screen="rating"]')).toBeVisible();
    await page.clock.fastForward(6_000);
    await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
    await page.clock.fastForward(1_000);
    await expect(page.locator('[data-screen="idle"]')).toBeVisible();
    const outcomes = await readOutbox(page);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ invitationId, outcome: 'unrated', tags: [], input: { method: 'none', inviteToPressMs: null } });
    expect(outcomes[0]).not.toHaveProperty('level');
  });
});

test('mashing a level button 20 times, and its key 20 times, records one outcome', async ({ page, evaluator }) => {
  await page.clock.install();
  await openEvaluator(page, evaluator.host);
  const invitationId = await evaluator.sendCaseEvent('P-MASH-1');
  const button = page.getByRole('button', { name: /^非常满意/ });
  const box = await button.boundingBox();
  if (!box) throw new Error('no level button');
  for (let i = 0; i < 20; i++) await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 20; i++) await page.keyboard.press('5');
  // The demo hall's 4 s thanks screen, on the page's clock once every press has landed.
  await page.clock.fastForward(4_000);
  await expect(page.locator('[data-screen="idle"]')).toBeVisible();
  const outcomes = await readOutbox(page);
  expect(outcomes).toHaveLength(1);
  expect(outcomes[0]).toMatchObject({ invitationId, outcome: 'rated', level: 5 });
  expect((await readInvitation(page, invitationId))?.extraPresses).toBeGreaterThanOrEqual(20);
});

test('a case event during a rating is queued and shown next, not lost; keys rate too', async ({ page, evaluator }) => {
  await page.clock.install();
  await openEvaluator(page, evaluator.host);
  const first = await evaluator.sendCaseEvent('P-QUEUE-1');
  await expect(page.locator(`[data-invitation="${first}"]`)).toBeVisible();
  const second = await evaluator.sendCaseEvent('P-QUEUE-2', { event: 'accepted' });
  await page.keyboard.press('4');
  await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
  await page.clock.fastForward(4_000); // the demo hall's thanks screen
  await expect(page.locator(`[data-invitation="${second}"]`)).toBeVisible();
  // A queued case ignores presses for its first moments on screen (meant for the previous citizen's
  // thanks screen): the next citizen answers after that.
  await page.clock.fastForward(RATING_INPUT_GUARD_MS + 200);
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
  const invitationId = await evaluator.sendCaseEvent('P-MASH-BAD');
  const level1 = page.getByRole('button', { name: /非常不满意/ });
  await level1.click();
  // Learn where a reason sits, then go back and hit that spot at once after pressing again.
  const tag = page.locator('[data-tag="108"]');
  await expect(page.locator('fieldset.details-fields')).toBeEnabled();
  const tagBox = await tag.boundingBox();
  if (!tagBox) throw new Error('no tag');
  await page.getByRole('button', { name: '重新选择' }).click();
  await expect(page.locator('[data-screen="rating"]')).toBeVisible();
  // Each tap notes whether it met the details form, and whether that form was still disarmed
  // (pointerdown reaches a disabled control; its click does not).
  await page.evaluate(() => {
    const taps: Array<'rating' | 'disarmed' | 'armed'> = [];
    Object.assign(window, { __taps: taps });
    window.addEventListener(
      'pointerdown',
      () => {
        const fields = document.querySelector<HTMLFieldSetElement>('[data-screen="details"] fieldset.details-fields');
        taps.push(fields === null ? 'rating' : fields.disabled ? 'disarmed' : 'armed');
      },
      true,
    );
  });
  const taps = () => page.evaluate(() => (window as unknown as { __taps: string[] }).__taps.slice());
  await level1.click();
  // The press is written before the details screen paints: the first taps may still meet the rating
  // screen. Tap on until two have met the disarmed form (or it arms first).
  for (let i = 0; i < 20; i++) {
    await page.mouse.click(tagBox.x + tagBox.width / 2, tagBox.y + tagBox.height / 2);
    const seen = await taps();
    if (seen.filter((t) => t === 'disarmed').length >= 2 || seen.includes('armed')) break;
  }
  const seen = await taps();
  expect(seen, 'taps landed on the details form while it was disarmed').toContain('disarmed');
  await expect(page.locator('fieldset.details-fields')).toBeEnabled();
  // A tap on the disarmed form ticks nothing; one that (on a slow machine) came after it armed toggles the reason.
  const armedTaps = seen.filter((t) => t === 'armed').length;
  const ticked = armedTaps % 2 === 1;
  await expect(tag).toHaveAttribute('aria-pressed', String(ticked));
  await tag.click();
  await expect(tag).toHaveAttribute('aria-pressed', String(!ticked));
  // On disk: the press, its withdrawal (重新选择), the press again; no details, as none were submitted.
  const outbox = (await readOutbox(page)).sort((a, b) => a.seq - b.seq);
  expect(outbox.map((o) => [o.invitationId, o.level, o.tags, o.amends?.kind])).toEqual([
    [invitationId, 1, [], undefined],
    [invitationId, 1, [], 'withdrawal'],
    [invitationId, 1, [], undefined],
  ]);
  expect(outbox[1]!.amends?.outcomeId).toBe(outbox[0]!.id);
});
