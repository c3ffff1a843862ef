import { expectNoViolations } from './axeCheck';
import { expect, openAdmin, openEvaluator, readOutbox, test } from './fixtures';

test.describe('accessibility', () => {
  // The thanks screen must stay up long enough to be checked.
  test.use({ hostPolicies: { thanksSec: 30 } });

  test('axe-core finds no violations on the idle, rating, details, thanks, PIN and admin screens', async ({ page, evaluator }) => {
    await openEvaluator(page, evaluator.host);
    await expectNoViolations(page, 'idle');

    await evaluator.sendCaseEvent('P-A11Y-1');
    await expect(page.locator('[data-screen="rating"]')).toBeVisible();
    await expectNoViolations(page, 'rating');

    await page.getByRole('button', { name: /^非常不满意/ }).click();
    await expect(page.getByRole('button', { name: '提交评价' })).toBeEnabled();
    await expectNoViolations(page, 'details');

    await page.getByRole('button', { name: '提交评价' }).click();
    await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
    await expectNoViolations(page, 'thanks');
  });

  test('axe-core finds no violations on the PIN pad and the admin panel', async ({ page, evaluator }) => {
    await openEvaluator(page, evaluator.host);
    for (let i = 0; i < 5; i++) await page.locator('.hall-name').click();
    await expect(page.locator('[data-screen="pin"]')).toBeVisible();
    await expectNoViolations(page, 'PIN');
    await page.getByRole('button', { name: '取消' }).click();
    await openAdmin(page);
    await expect(page.locator('[data-screen="admin"]')).toBeVisible();
    await expectNoViolations(page, 'admin');
  });

  test('a citizen can rate with the keyboard alone: Tab to a level, Enter; reasons with Space; submit with Enter', async ({ page, evaluator }) => {
    await openEvaluator(page, evaluator.host);
    const invitationId = await evaluator.sendCaseEvent('P-A11Y-KEYS');
    await expect(page.locator('[data-screen="rating"]')).toBeVisible();

    // Tab until a rating button has the focus (language buttons come first).
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      if (await page.locator('.level-2').evaluate((el) => el === document.activeElement)) break;
    }
    await expect(page.locator('.level-2')).toBeFocused();
    await page.keyboard.press('Enter');
    const details = page.locator('[data-screen="details"]');
    await expect(details.getByRole('button', { name: '提交评价' })).toBeEnabled();

    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      if (await page.locator('[data-tag="213"]').evaluate((el) => el === document.activeElement)) break;
    }
    await expect(page.locator('[data-tag="213"]')).toBeFocused();
    await page.keyboard.press('Space');
    await expect(page.locator('[data-tag="213"]')).toHaveAttribute('aria-pressed', 'true');
    await page.getByRole('button', { name: '提交评价' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('[data-screen="thanks"]')).toBeVisible();

    // The press, then the details that amend it.
    const [press, amendment, ...more] = (await readOutbox(page)).sort((a, b) => a.seq - b.seq);
    expect(more).toEqual([]);
    expect(press).toMatchObject({ invitationId, level: 2, tags: [], input: { method: 'touch' } });
    expect(press).not.toHaveProperty('amends');
    expect(amendment).toMatchObject({ invitationId, level: 2, tags: ['213'], input: { method: 'touch' }, amends: { outcomeId: press!.id, kind: 'details' } });
  });
});
