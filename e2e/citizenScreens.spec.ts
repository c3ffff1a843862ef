import type { Language } from '../contract/hallConfig';
import { ALL_RESOURCES as RESOURCES } from '../src/i18n/allResources';
import { LANGUAGE_NAMES } from '../src/i18n/i18n';
import { expect, openEvaluator, test } from './fixtures';

/** The citizen's screens (issue 17): language on idle, what is spoken, what the thanks screen says. */

const LANGUAGES = Object.keys(RESOURCES) as Language[];

test.describe('language on the idle screen', () => {
  test.use({ hostPolicies: { thanksSec: 1 } });

  test('a language chosen on idle stays, and the hall language returns after the rating ends', async ({ page, evaluator }) => {
    await openEvaluator(page, evaluator.host);
    const idle = page.locator('[data-screen="idle"]');
    for (const [i, language] of LANGUAGES.entries()) {
      await page.getByRole('button', { name: LANGUAGE_NAMES[language], exact: true }).click();
      await expect(page.locator('html')).toHaveAttribute('lang', language);
      await expect(idle.getByRole('heading', { level: 1 })).toHaveText(RESOURCES[language].idle.welcome);
      // Stays, not snapped back a moment later.
      await page.waitForTimeout(1500);
      await expect(page.locator('html')).toHaveAttribute('lang', language);
      await expect(idle.getByRole('heading', { level: 1 })).toHaveText(RESOURCES[language].idle.welcome);

      // The citizen's invitation comes up in their language; after it ends, the hall's language is back.
      await evaluator.sendCaseEvent(`P-IDLE-LANG-${i}`);
      const rating = page.locator('[data-screen="rating"]');
      await expect(rating.getByRole('heading', { level: 1 })).toHaveText(RESOURCES[language].rating.prompt);
      await page.waitForTimeout(800);
      await rating.locator('.level-5').click();
      await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
      await expect(idle).toBeVisible({ timeout: 10_000 });
      await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
      await expect(idle.getByRole('heading', { level: 1 })).toHaveText(RESOURCES['zh-CN'].idle.welcome);
    }
  });
});
