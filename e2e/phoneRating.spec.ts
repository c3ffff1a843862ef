import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { expectNoViolations } from './axeCheck';
import { expect, test } from './fixtures';
import { launchSyncedEvaluator } from './syncFixtures';

/** The text of the QR code in a PNG screenshot. */
function decodeQr(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height)?.data ?? null;
}

// 一事一评 on the citizen's phone (issue 24): the PAD invitation is declined, its thanks screen
// shows the case QR, a phone (360×640) scans it from a screenshot and rates; the intake holds
// one rating of the case stage, the declined ending kept and superseded, its 差评 followed up; the
// thanks screen stays (the hall's caseQrSec, not its 4 s thanksSec) until the citizen taps 完成.
test('a declined PAD invitation → case QR on the thanks screen → rated on the phone; the link then refuses', async ({ page, browser }) => {
  // The hall's longest case-QR time: this test's own steps (the phone, axe) must not outlast it on a busy machine.
  const evaluator = await launchSyncedEvaluator({}, { caseQrSec: 180 });
  const phone = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  try {
    await page.goto(evaluator.host.appUrl);
    await expect(page.locator('[data-screen="idle"]')).toBeVisible();
    const invitationId = await evaluator.sendCaseEvent('P-PHONE-0001');
    await expect(page.locator(`[data-invitation="${invitationId}"]`)).toBeVisible();
    await page.getByRole('button', { name: '不评价' }).click();

    const qr = page.locator('[data-screen="thanks"] .case-qr img');
    await expect(qr).toBeVisible();
    const url = decodeQr(await qr.screenshot());
    await expectNoViolations(page, 'PAD thanks with the case QR and 完成');
    expect(url).toMatch(new RegExp(`^${evaluator.intake.origin}/r/[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{22}$`));

    // The declined ending reaches the intake (the phone rating supersedes it there).
    await expect.poll(() => evaluator.intakeIds().then((ids) => ids.length), { timeout: 15_000 }).toBe(1);

    const mobile = await phone.newPage();
    await mobile.goto(url!);
    await expect(mobile.getByRole('heading', { level: 1 })).toHaveText('请您对本次办件进行评价（仅可评价一次）');
    await expect(mobile.locator('main')).toContainText('企业设立登记');
    // Fits a 360 px wide phone: nothing scrolls sideways.
    expect(await mobile.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await expectNoViolations(mobile, 'phone rating');
    await mobile.getByLabel('不满意', { exact: true }).check();
    // Only the chosen level's reasons are offered.
    await expect(mobile.locator('fieldset.tags[data-level="5"]')).toBeHidden();
    await mobile.getByLabel('工作人员对业务不熟').check();
    await mobile.getByLabel('意见或建议（选填）').fill('材料清单没有讲清楚');
    await mobile.getByLabel('我希望工作人员回访我').check();
    await mobile.getByLabel('联系电话（仅在希望回访时填写）').fill('13800138000');
    await mobile.getByRole('button', { name: '提交评价' }).click();
    await expect(mobile.getByRole('heading', { level: 1 })).toHaveText('感谢您的评价！');
    await expectNoViolations(mobile, 'phone thanks');

    const rows = evaluator.intake.db.prepare('SELECT kind, channel, supersedes, counted, body FROM phone_ratings').all() as Array<{ kind: string; channel: string; supersedes: string; counted: number; body: string }>;
    expect(rows).toHaveLength(1);
    const [declined] = (await evaluator.intakeIds());
    expect(rows[0]).toMatchObject({ kind: 'case', channel: 'qr-code', supersedes: declined, counted: 1 });
    expect(JSON.parse(rows[0]!.body)).toMatchObject({ level: 2, tags: ['213'], comment: '材料清单没有讲清楚', case: { projectNo: 'P-PHONE-0001' }, callback: { requested: true } });
    const counts = evaluator.intake.db.prepare("SELECT sum(total) AS total, sum(l2) AS l2, sum(declined) AS declined FROM dashboard_daily WHERE dim = 'hall'").get();
    expect(counts).toEqual({ total: 1, l2: 1, declined: 0 });
    // The phone 差评 opened its follow-up and ticket, as a PAD 差评 does.
    expect(evaluator.intake.db.prepare('SELECT count(*) AS n FROM followups f JOIN tickets t ON t.outcome_id = f.outcome_id JOIN phone_ratings p ON p.id = f.outcome_id').get()).toEqual({ n: 1 });

    // All this while the PAD kept the QR up, long past its 4 s thanks; 完成 ends it.
    await expect(qr).toBeVisible();
    await page.getByRole('button', { name: '完成' }).click();
    await expect(page.locator('[data-screen="idle"]')).toBeVisible();

    // The same link again: used, with a page that says so, and nothing more stored.
    await mobile.goto(url!);
    await expect(mobile.locator('[data-refusal="used"]')).toHaveText('这个链接已使用过');
    await mobile.goto(`${url!.slice(0, -1)}${url!.endsWith('A') ? 'B' : 'A'}`);
    await expect(mobile.locator('[data-refusal="forged"]')).toBeVisible();
    await expectNoViolations(mobile, 'phone refusal');
    expect(evaluator.intake.db.prepare('SELECT count(*) AS n FROM phone_ratings').get()).toEqual({ n: 1 });
  } finally {
    await phone.close();
    await evaluator.close();
  }
});
