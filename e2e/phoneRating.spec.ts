import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { expectNoViolations } from './axeCheck';
import { expect, test } from './fixtures';
import { deviceAtIntake, launchSyncedEvaluator } from './syncFixtures';

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
    // The thanks screen asks for the QR once the device is enrolled at the intake (its first heartbeat follows at once);
    // declined before that, on a busy machine, the 1 s thanks screen had ended before the device could ask.
    await expect.poll(async () => (await deviceAtIntake(evaluator))?.lastHeartbeatAt ?? null, { timeout: 20_000 }).not.toBeNull();
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

/** Runs in the page: what of the rating screen with the case QR lies outside the display or overlaps, and whether the document scrolls. */
function ratingWithQrFit(): string[] {
  const problems: string[] = [];
  const { innerWidth, innerHeight } = window;
  const root = document.documentElement;
  if (root.scrollHeight > innerHeight || root.scrollWidth > innerWidth) problems.push(`document scrolls: ${root.scrollWidth}×${root.scrollHeight}`);
  const qr = document.querySelector('.rating-case-qr')!.getBoundingClientRect();
  const inside = (r: DOMRect) => r.left >= -1 && r.top >= -1 && r.right <= innerWidth + 1 && r.bottom <= innerHeight + 1;
  if (!inside(qr)) problems.push(`QR outside at ${Math.round(qr.left)},${Math.round(qr.top)} ${Math.round(qr.width)}×${Math.round(qr.height)}`);
  for (const button of document.querySelectorAll('button')) {
    const r = button.getBoundingClientRect();
    if (r.width === 0) continue;
    const name = (button.textContent ?? '').trim().slice(0, 20);
    if (!inside(r)) problems.push(`button "${name}" outside`);
    if (r.left < qr.right && qr.left < r.right && r.top < qr.bottom && qr.top < r.bottom) problems.push(`button "${name}" under the QR`);
    if (button.scrollWidth > button.clientWidth + 2) problems.push(`button "${name}" spills`);
  }
  return problems;
}

// 一事一评 on every 办结 (policies.caseQrOnEveryClose): the 办结's rating screen shows the case QR
// beside the five levels; a press on the PAD is the rating (the QR goes away), and once the press
// reached the intake the link answers "already rated".
test('a hall with a case QR on every 办结: the QR beside the levels, a press rates, the link then says already rated', async ({ page, browser }) => {
  const evaluator = await launchSyncedEvaluator({}, { caseQrOnEveryClose: true, inviteTimeoutSec: 600 });
  const phone = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  try {
    await page.goto(evaluator.host.appUrl);
    await expect(page.locator('[data-screen="idle"]')).toBeVisible();
    const invitationId = await evaluator.sendCaseEvent('P-PHONE-0002');
    const rating = page.locator(`[data-screen="rating"][data-invitation="${invitationId}"]`);
    await expect(rating).toBeVisible();
    const qr = rating.locator('.rating-case-qr img');
    await expect(qr).toBeVisible();
    await expect(rating.locator('.rating-case-qr figcaption')).toContainText('可在此直接评价，或扫码在');
    const url = decodeQr(await qr.screenshot());
    expect(url).toMatch(new RegExp(`^${evaluator.intake.origin}/r/[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{22}$`));
    await expectNoViolations(page, 'PAD rating screen with the case QR');
    // Fits the common PAD both ways and a 1024×768 one, in Chinese, in English (the longer words) and in English elderly mode (the largest).
    for (const language of ['中文', 'English', 'English elderly'] as const) {
      if (language === 'English') await page.getByRole('button', { name: 'English', exact: true }).click();
      if (language === 'English elderly') await page.locator('.elderly-toggle').click();
      for (const size of [
        { width: 1280, height: 800 },
        { width: 800, height: 1280 },
        { width: 1024, height: 768 },
      ]) {
        await page.setViewportSize(size);
        await expect.poll(() => page.evaluate(ratingWithQrFit), { message: `${language} ${size.width}×${size.height}`, timeout: 3000 }).toEqual([]);
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await expectNoViolations(page, 'PAD rating screen with the case QR, in English elderly mode');

    // The press here is the stage's rating: the QR goes, and the press reaches the intake.
    await rating.locator('[data-level="5"]').click();
    await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
    await expect(page.locator('.case-qr')).toHaveCount(0);
    await expect.poll(() => evaluator.intakeIds().then((ids) => ids.length), { timeout: 15_000 }).toBe(1);

    const mobile = await phone.newPage();
    await mobile.goto(url!);
    await expect(mobile.locator('[data-refusal="already-rated"]')).toHaveText('本次办件已评价');
    await expectNoViolations(mobile, 'phone: already rated');
    expect(evaluator.intake.db.prepare('SELECT count(*) AS n FROM phone_ratings').get()).toEqual({ n: 0 });
  } finally {
    await phone.close();
    await evaluator.close();
  }
});
