import type { Outcome } from '../contract/outcome';
import { expectNoViolations } from './axeCheck';
import { recordVoice, said } from './voiceRecorder';
import { expect, openEvaluator, readOutbox, test } from './fixtures';


const bySeq = (outcomes: Outcome[]) => [...outcomes].sort((a, b) => a.seq - b.seq);
/** Each record as [invitation, seq, level, reasons, what it amends]. */
const recordsOf = (outcomes: Outcome[]) => bySeq(outcomes).map((o) => [o.invitationId, o.seq, o.level, o.tags, o.amends?.kind]);


test.describe('elderly mode with touch', () => {
  test.use({ hasTouch: true });

  test('toggle on the idle screen; 非常不满意 is confirmed or undone by touch; prompts are spoken; the next citizen starts normal', async ({ page, evaluator }) => {
    await recordVoice(page);
    await openEvaluator(page, evaluator.host);
    const toggle = page.getByRole('button', { name: /长辈模式/ });
    await toggle.tap();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await expect(page.locator('html')).toHaveClass(/elderly/);

    const invitationId = await evaluator.sendCaseEvent('P-ELDERLY-TOUCH');
    await expect(page.locator('[data-screen="rating"]')).toBeVisible();
    await expect.poll(() => said(page)).toContain('clip /voice/cmn/prompt.wav');
    await expectNoViolations(page, 'elderly rating');

    await page.getByRole('button', { name: /^非常不满意/ }).tap();
    const confirm = page.locator('[data-screen="confirm"]');
    await expect(confirm).toBeVisible();
    await expect(confirm.getByRole('heading', { level: 1 })).toHaveText('您选择了“非常不满意”');
    // A neutral question, never the level: the clerk across the counter hears what is said.
    await expect.poll(() => said(page)).toContain('clip /voice/cmn/confirm.wav');
    // The press is on disk before the confirm screen shows; 确认 or 撤销 follow it as records of their own.
    expect(recordsOf(await readOutbox(page))).toEqual([[invitationId, 1, 1, [], undefined]]);
    await expectNoViolations(page, 'elderly confirm');

    await confirm.getByRole('button', { name: '撤销，重新选择' }).tap();
    await expect(page.locator('[data-screen="rating"]')).toBeVisible();
    // 撤销 is a withdrawal of that press, and the case is open for a new one.
    const afterUndo = await readOutbox(page);
    expect(recordsOf(afterUndo)).toEqual([
      [invitationId, 1, 1, [], undefined],
      [invitationId, 2, 1, [], 'withdrawal'],
    ]);
    expect(bySeq(afterUndo)[1]!.amends?.outcomeId).toBe(bySeq(afterUndo)[0]!.id);

    await page.getByRole('button', { name: /^非常不满意/ }).tap();
    const before = (await said(page)).length;
    await confirm.getByRole('button', { name: '再听一遍' }).tap();
    await expect.poll(async () => (await said(page)).slice(before)).toContain('clip /voice/cmn/confirm.wav');
    await confirm.getByRole('button', { name: '确认' }).tap();
    const details = page.locator('[data-screen="details"]');
    await expect(details.getByRole('button', { name: '提交评价' })).toBeEnabled();
    await details.locator('[data-tag="115"]').tap();
    await details.getByRole('button', { name: '提交评价' }).tap();
    await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
    await expect.poll(() => said(page)).toContain('clip /voice/cmn/thanks.wav');

    // The first press and its withdrawal, the second press, its 确认 and its details.
    const outbox = bySeq(await readOutbox(page));
    expect(recordsOf(outbox)).toEqual([
      [invitationId, 1, 1, [], undefined],
      [invitationId, 2, 1, [], 'withdrawal'],
      [invitationId, 3, 1, [], undefined],
      [invitationId, 4, 1, [], 'confirm'],
      [invitationId, 5, 1, ['115'], 'details'],
    ]);
    expect(outbox.slice(3).map((o) => o.amends?.outcomeId)).toEqual([outbox[2]!.id, outbox[2]!.id]);
    for (const o of outbox) expect(o).toMatchObject({ outcome: 'rated', input: { method: 'touch' } });

    // Back at idle, elderly mode is off again for the next citizen.
    await expect(page.locator('[data-screen="idle"]')).toBeVisible({ timeout: 15_000 });
    await expect(page.getByRole('button', { name: /长辈模式/ })).toHaveAttribute('aria-pressed', 'false');
    await expect(page.locator('html')).not.toHaveClass(/elderly/);
  });

  test('the clip voices a language that has clips; Uyghur is never read in another language\'s voice', async ({ page, evaluator }) => {
    // A kiosk with Mandarin and English system voices, and no Uyghur clips from the hall.
    await recordVoice(page, ['zh-CN', 'en-US']);
    await openEvaluator(page, evaluator.host);
    await page.getByRole('button', { name: /长辈模式/ }).tap();
    await evaluator.sendCaseEvent('P-ELDERLY-UG');
    await expect(page.locator('[data-screen="rating"]')).toBeVisible();
    await expect.poll(() => said(page)).toContain('clip /voice/cmn/prompt.wav');
    const before = (await said(page)).length;
    await page.getByRole('button', { name: 'ئۇيغۇرچە' }).tap();
    // The hall's Uyghur clip is tried; it is not there, and no system voice speaks Uyghur: silence.
    await expect.poll(async () => (await said(page)).slice(before)).toEqual(['clip /voice/ug/prompt.wav']);
    await page.waitForTimeout(500);
    expect((await said(page)).slice(before)).toEqual(['clip /voice/ug/prompt.wav']);
  });
});

test('elderly mode with the keyboard alone: toggle, undo and confirm a 非常不满意', async ({ page, evaluator }) => {
  await openEvaluator(page, evaluator.host);
  const toggle = page.getByRole('button', { name: /长辈模式/ });
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');

  const invitationId = await evaluator.sendCaseEvent('P-ELDERLY-KEYS');
  await expect(page.locator('[data-screen="rating"]')).toBeVisible();
  await page.keyboard.press('1');
  const confirm = page.locator('[data-screen="confirm"]');
  await expect(confirm).toBeVisible();
  // Focus starts on the question; the next stop is 撤销.
  await page.keyboard.press('Tab');
  await expect(confirm.getByRole('button', { name: '撤销，重新选择' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-screen="rating"]')).toBeVisible();

  await page.keyboard.press('1');
  await expect(confirm).toBeVisible();
  // A second press of the same key neither confirms nor undoes.
  await page.keyboard.press('1');
  await expect(confirm).toBeVisible();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(confirm.getByRole('button', { name: '确认' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: '提交评价' })).toBeEnabled();
  await page.getByRole('button', { name: '提交评价' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-screen="thanks"]')).toBeVisible();

  // Press, withdrawal (撤销), press, 确认, details (submitted empty): the second press is the rating.
  const outbox = bySeq(await readOutbox(page));
  expect(recordsOf(outbox)).toEqual([
    [invitationId, 1, 1, [], undefined],
    [invitationId, 2, 1, [], 'withdrawal'],
    [invitationId, 3, 1, [], undefined],
    [invitationId, 4, 1, [], 'confirm'],
    [invitationId, 5, 1, [], 'details'],
  ]);
  expect(outbox.map((o) => o.amends?.outcomeId)).toEqual([undefined, outbox[0]!.id, undefined, outbox[2]!.id, outbox[2]!.id]);
  for (const o of outbox) expect(o).toMatchObject({ outcome: 'rated', input: { method: 'keyboard' } });
});
