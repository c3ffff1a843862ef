import type { Page } from '@playwright/test';
import { expectNoViolations } from './axeCheck';
import { expect, openEvaluator, readOutbox, test } from './fixtures';

/** Records what the page plays and speaks (headless Chromium has no audio device to listen to). */
async function recordVoice(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const said: string[] = [];
    Object.defineProperty(window, '__said', { value: said });
    HTMLMediaElement.prototype.play = function play(this: HTMLMediaElement) {
      said.push(`clip ${new URL(this.src).pathname}`);
      return Promise.resolve();
    };
    window.speechSynthesis.speak = (utterance: SpeechSynthesisUtterance) => void said.push(`speech ${utterance.lang} ${utterance.text}`);
  });
}

const said = (page: Page) => page.evaluate(() => (window as unknown as { __said: string[] }).__said.slice());

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
    await expect.poll(() => said(page)).toContain('clip /voice/cmn/level-1.wav');
    expect(await readOutbox(page)).toHaveLength(0);
    await expectNoViolations(page, 'elderly confirm');

    await confirm.getByRole('button', { name: '撤销，重新选择' }).tap();
    await expect(page.locator('[data-screen="rating"]')).toBeVisible();
    expect(await readOutbox(page)).toHaveLength(0);

    await page.getByRole('button', { name: /^非常不满意/ }).tap();
    const before = (await said(page)).length;
    await confirm.getByRole('button', { name: '再听一遍' }).tap();
    await expect.poll(async () => (await said(page)).slice(before)).toContain('clip /voice/cmn/level-1.wav');
    await confirm.getByRole('button', { name: '确认' }).tap();
    const details = page.locator('[data-screen="details"]');
    await expect(details.getByRole('button', { name: '提交评价' })).toBeEnabled();
    await details.getByRole('button', { name: '服务态度差效率低' }).tap();
    await details.getByRole('button', { name: '提交评价' }).tap();
    await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
    await expect.poll(() => said(page)).toContain('clip /voice/cmn/thanks.wav');

    const outbox = await readOutbox(page);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ invitationId, outcome: 'rated', level: 1, tags: ['115'], input: { method: 'touch' } });

    // Back at idle, elderly mode is off again for the next citizen.
    await expect(page.locator('[data-screen="idle"]')).toBeVisible({ timeout: 15_000 });
    await expect(page.getByRole('button', { name: /长辈模式/ })).toHaveAttribute('aria-pressed', 'false');
    await expect(page.locator('html')).not.toHaveClass(/elderly/);
  });

  test('the clip voices a language that has clips; Uyghur falls back to the Web Speech API', async ({ page, evaluator }) => {
    await recordVoice(page);
    await openEvaluator(page, evaluator.host);
    await page.getByRole('button', { name: /长辈模式/ }).tap();
    await evaluator.sendCaseEvent('P-ELDERLY-UG');
    await expect(page.locator('[data-screen="rating"]')).toBeVisible();
    await page.getByRole('button', { name: 'ئۇيغۇرچە' }).tap();
    await expect.poll(() => said(page)).toContain('speech ug مۇلازىمىتىمگە باھا بېرىڭ');
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

  const outbox = await readOutbox(page);
  expect(outbox).toHaveLength(1);
  expect(outbox[0]).toMatchObject({ invitationId, level: 1, input: { method: 'keyboard' } });
});
