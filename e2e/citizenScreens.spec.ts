import type { Language } from '../contract/hallConfig';
import { ALL_RESOURCES as RESOURCES } from '../src/i18n/allResources';
import { LANGUAGE_NAMES } from '../src/i18n/i18n';
import { recordVoice, said } from './voiceRecorder';
import { expect, openEvaluator, test } from './fixtures';

/**
 * The citizen's screens (issue 17): language on idle, what is spoken, what the thanks screen says.
 * Waits the citizen would sit through (a rating's guard, a timeout, a countdown) pass on the page's
 * clock (Playwright's, installed before the page opens and running in real time otherwise), not by
 * sleeping: the flow's deadlines and the screens' countdowns run on that clock.
 */

const LANGUAGES = Object.keys(RESOURCES) as Language[];

test.describe('language on the idle screen', () => {
  test.use({ hostPolicies: { thanksSec: 1 } });

  test('a language chosen on idle stays, and the hall language returns after the rating ends', async ({ page, evaluator }) => {
    await page.clock.install();
    await openEvaluator(page, evaluator.host);
    const idle = page.locator('[data-screen="idle"]');
    for (const [i, language] of LANGUAGES.entries()) {
      await page.getByRole('button', { name: LANGUAGE_NAMES[language], exact: true }).click();
      await expect(page.locator('html')).toHaveAttribute('lang', language);
      await expect(idle.getByRole('heading', { level: 1 })).toHaveText(RESOURCES[language].idle.welcome);
      // Stays, not snapped back a moment later (every timer due meanwhile has run, chained ones too).
      await page.clock.runFor(1500);
      await expect(page.locator('html')).toHaveAttribute('lang', language);
      await expect(idle.getByRole('heading', { level: 1 })).toHaveText(RESOURCES[language].idle.welcome);

      // The citizen's invitation comes up in their language; after it ends, the hall's language is back.
      await evaluator.sendCaseEvent(`P-IDLE-LANG-${i}`);
      const rating = page.locator('[data-screen="rating"]');
      await expect(rating.getByRole('heading', { level: 1 })).toHaveText(RESOURCES[language].rating.prompt);
      await page.clock.fastForward(800);
      await rating.locator('.level-5').click();
      await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
      await page.clock.fastForward(1_000);
      await expect(idle).toBeVisible();
      await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
      await expect(idle.getByRole('heading', { level: 1 })).toHaveText(RESOURCES['zh-CN'].idle.welcome);
    }
  });
});


/** Every level's name in every language, without the Tibetan shad. */
const LEVEL_NAMES = LANGUAGES.flatMap((language) => Object.values(RESOURCES[language].level).map((name) => name.replace(/།$/, '')));

test('nothing spoken or played names a level: an elderly 差评 hears a neutral confirmation, a normal rating hears nothing of its level', async ({ page, evaluator }) => {
  await page.clock.install();
  await recordVoice(page);
  await openEvaluator(page, evaluator.host);
  await page.getByRole('button', { name: /长辈模式/ }).click();
  await evaluator.sendCaseEvent('P-VOICE-ELDERLY');
  await expect(page.locator('[data-screen="rating"]')).toBeVisible();
  await expect.poll(() => said(page)).toContain('clip /voice/cmn/prompt.wav');
  await page.getByRole('button', { name: /^非常不满意/ }).click();
  const confirm = page.locator('[data-screen="confirm"]');
  await expect(confirm).toBeVisible();
  await expect.poll(() => said(page)).toContain('clip /voice/cmn/confirm.wav');
  await confirm.getByRole('button', { name: '再听一遍' }).click();
  await confirm.getByRole('button', { name: '确认' }).click();
  const details = page.locator('[data-screen="details"]');
  await expect(details.getByRole('button', { name: '提交评价' })).toBeEnabled();
  await details.getByRole('button', { name: '提交评价' }).click();
  await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
  await expect.poll(() => said(page)).toContain('clip /voice/cmn/thanks.wav');
  await page.clock.fastForward(4_000); // the demo hall's thanks screen
  await expect(page.locator('[data-screen="idle"]')).toBeVisible();

  // A normal rating, in English.
  await page.getByRole('button', { name: LANGUAGE_NAMES.en, exact: true }).click();
  await evaluator.sendCaseEvent('P-VOICE-NORMAL');
  await expect(page.locator('[data-screen="rating"]')).toBeVisible();
  await page.clock.fastForward(800);
  await page.getByRole('button', { name: /^Satisfied/ }).click();
  await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
  await page.clock.fastForward(4_000);
  await expect(page.locator('[data-screen="idle"]')).toBeVisible();

  const everything = await said(page);
  expect(everything.length).toBeGreaterThan(0);
  // Every Mandarin prompt has its clip, served: nothing fell back to a system voice.
  expect(everything.filter((item) => item.startsWith('speech'))).toEqual([]);
  for (const item of everything) {
    expect(item, 'a level clip was played').not.toMatch(/level-\d/);
    for (const name of LEVEL_NAMES) expect(item, `"${item}" names a level`).not.toContain(name);
  }
});

test.describe('the thanks screen says what happened', () => {
  test.use({ hostPolicies: { inviteTimeoutSec: 10, thanksSec: 1 } });

  test('不评价 and a timeout are thanked as unrated in every language; a rating as a rating', async ({ page, evaluator }) => {
    await page.clock.install();
    await openEvaluator(page, evaluator.host);
    const thanks = page.locator('[data-screen="thanks"]');
    const idle = page.locator('[data-screen="idle"]');
    for (const [i, language] of LANGUAGES.entries()) {
      await page.getByRole('button', { name: LANGUAGE_NAMES[language], exact: true }).click();
      await evaluator.sendCaseEvent(`P-DECLINE-${i}`);
      const rating = page.locator('[data-screen="rating"]');
      await expect(rating.getByRole('heading', { level: 1 })).toHaveText(RESOURCES[language].rating.prompt);
      await page.clock.fastForward(800);
      await rating.getByRole('button', { name: RESOURCES[language].rating.decline }).click();
      await expect(thanks.getByRole('heading', { level: 1 })).toHaveText(RESOURCES[language].thanks.unrated);
      await expect(thanks).not.toContainText(RESOURCES[language].thanks.title);
      await page.clock.fastForward(1_000);
      await expect(idle).toBeVisible();
    }

    // Nobody answers: the same words, nothing claims a rating was given.
    await evaluator.sendCaseEvent('P-TIMEOUT');
    await expect(page.locator('[data-screen="rating"]')).toBeVisible();
    // Every timer of the first 5 s runs (a countdown ticking down would end the screen early here).
    await page.clock.runFor(5_000);
    await expect(page.locator('[data-screen="rating"]')).toBeVisible();
    await page.clock.fastForward(6_000);
    await expect(thanks.getByRole('heading', { level: 1 })).toHaveText('未评价，感谢您的配合');
    await page.clock.fastForward(1_000);
    await expect(idle).toBeVisible();

    await evaluator.sendCaseEvent('P-RATED');
    await expect(page.locator('[data-screen="rating"]')).toBeVisible();
    await page.clock.fastForward(800);
    await page.getByRole('button', { name: /^满意/ }).click();
    await expect(thanks.getByRole('heading', { level: 1 })).toHaveText('感谢您的评价！');
  });
});

test.describe('every automatic ending is visible', () => {
  // The thanks screen stays long enough to be seen once the clock has jumped past the details deadline.
  test.use({ hostPolicies: { detailsTimeoutSec: 15, thanksSec: 5 } });

  test('the elderly confirm screen and the details screen count down, and warn in the last 10 s that the choice will be filed as it is', async ({ page, evaluator }) => {
    await page.clock.install();
    await openEvaluator(page, evaluator.host);
    await page.getByRole('button', { name: /长辈模式/ }).click();
    await evaluator.sendCaseEvent('P-COUNTDOWN');
    await expect(page.locator('[data-screen="rating"]')).toBeVisible();
    await page.getByRole('button', { name: /^非常不满意/ }).click();
    const confirm = page.locator('[data-screen="confirm"]');
    await expect(confirm.locator('.screen-countdown')).toContainText(/\d+ 秒后自动确认/);
    await expect(confirm.locator('.countdown-warning')).toHaveCount(0);
    // 20 s to confirm, the warning in the last 10 s.
    await page.clock.fastForward(11_000);
    await expect(confirm.locator('.countdown-warning')).toHaveText('时间到后将按当前选择提交');
    await confirm.getByRole('button', { name: '确认' }).click();

    // 15 s of details: the warning from 10 s left, then the form is filed by itself.
    const details = page.locator('[data-screen="details"]');
    await expect(details.locator('.screen-countdown')).toContainText(/\d+ 秒后自动提交/);
    await page.clock.fastForward(6_000);
    await expect(details.locator('.countdown-warning')).toHaveText('时间到后将按当前选择提交');
    await expect(details.locator('.countdown-warning')).toBeInViewport();
    await page.clock.fastForward(10_000);
    await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
  });
});
