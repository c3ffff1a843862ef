import type { Language } from '../contract/hallConfig';
import { ALL_RESOURCES as RESOURCES } from '../src/i18n/allResources';
import { LANGUAGE_NAMES } from '../src/i18n/i18n';
import { expect, openEvaluator, test } from './fixtures';

/** The face each script must be drawn with on the kiosk (Debian fonts-noto-cjk / fonts-noto-core). */
const EXPECTED_FONT: Record<Language, RegExp> = {
  'zh-CN': /Noto Sans CJK SC/,
  'zh-TW': /Noto Sans CJK TC/,
  en: /./,
  ug: /Noto Sans Arabic/,
  bo: /Tibetan/,
};

const LANGUAGES = Object.keys(RESOURCES) as Language[];

test('the rating screen renders in every language with a font that has its glyphs; Uyghur is mirrored', async ({ page, evaluator }, testInfo) => {
  await openEvaluator(page, evaluator.host);
  await evaluator.sendCaseEvent('P20261123-LANG');
  const rating = page.locator('[data-screen="rating"]');
  await expect(rating).toBeVisible();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');

  for (const language of LANGUAGES) {
    await page.getByRole('button', { name: LANGUAGE_NAMES[language], exact: true }).click();
    const prompt = rating.getByRole('heading', { level: 1 });
    await expect(prompt).toHaveText(RESOURCES[language].rating.prompt);
    await expect(rating.locator('.level-1 .level-name')).toHaveText(RESOURCES[language].level['1'] ?? 'missing level name');
    await expect(page.locator('html')).toHaveAttribute('lang', language);

    // Which installed font Chromium really drew the prompt with: a missing face would show as tofu.
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '.rating-header h1' });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    const used = fonts.map((f) => f.familyName);
    expect(used.join(', '), `fonts used for ${language}`).toMatch(EXPECTED_FONT[language]);

    const direction = await page.evaluate(() => getComputedStyle(document.querySelector('.rating-screen') as Element).direction);
    const [veryGood, veryBad] = await Promise.all([rating.locator('.level-5').boundingBox(), rating.locator('.level-1').boundingBox()]);
    if (!veryGood || !veryBad) throw new Error('level buttons not laid out');
    if (language === 'ug') {
      expect(direction).toBe('rtl');
      expect(veryGood.x).toBeGreaterThan(veryBad.x);
    } else {
      expect(direction).toBe('ltr');
      expect(veryGood.x).toBeLessThan(veryBad.x);
    }

    // Kept as a file in the test's output folder too, so a reviewer can look at the glyphs.
    const shot = testInfo.outputPath(`rating-${language}.png`);
    await page.screenshot({ path: shot });
    await testInfo.attach(`rating-${language}`, { path: shot, contentType: 'image/png' });
  }
});
