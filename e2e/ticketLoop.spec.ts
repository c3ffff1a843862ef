import path from 'node:path';
import { test as base, expect, type Browser, type Page } from '@playwright/test';
import { PersonSchema } from '../contract/people';
import type { RunningIntake } from '../intake/server';
import { enrolledIntake, item, upload } from '../intake/testing/intakeHarness';
import { chain } from '../intake/testing/signedOutcomes';
import { hashPin } from '../shared-node/adminPin';
import { expectNoViolations } from './axeCheck';

/**
 * The 差评 closed loop in Chromium (issue 23), on the work-queue page the intake serves at /work.
 * The 差评 reach the intake as a signed device batch (intake/testing), not through the PAD: the
 * PAD's path to the intake is covered by the sync specs, and this spec is about what follows.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const PASSWORD = 'e2e-work-password';
const DASHBOARD_TOKEN = 'e2e-ticket-loop-dashboard-token-012345';
const hash = hashPin(PASSWORD);
const people = [
  { login: 'handler', name: '王经办', role: 'handler', department: '市场监督管理局' },
  { login: 'other', name: '赵经办', role: 'handler', department: '税务局' },
  { login: 'reviewer', name: '钱审核', role: 'reviewer', department: '政务服务管理办公室' },
  // li4 at the window, who also reviews appeals: never one about their own rating.
  { login: 'li4.review', name: '李四', role: 'reviewer', department: '政务服务管理办公室', staffIds: ['li4'] },
  { login: 'auditor', name: '孙审计', role: 'auditor' },
].map((p) => PersonSchema.parse({ ...p, passwordHash: hash }));

/** A minute ago in Beijing time, as a PAD writes ratedAt. */
const beijingNow = () => new Date(Date.now() + 8 * 3600_000 - 60_000).toISOString().replace('Z', '+08:00');

const test = base.extend<{ loop: { intake: RunningIntake; loopId: string; appealId: string } }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures must destructure their dependencies
  loop: async ({}, use) => {
    const running: RunningIntake[] = [];
    // Sign-ins above the default 10 a minute from one address: the sign-in log needs more than a page.
    const { intake, key } = await enrolledIntake(running, undefined, { people, dashboardAppDir: path.join(ROOT, 'dist'), dashboardTokens: { h1: DASHBOARD_TOKEN }, closeGraceMs: 2_000, rateLimits: { signInPerMinute: 60 } });
    const at = beijingNow();
    const [loop, appeal, good] = chain([item(2, { ratedAt: at }), item(1, { ratedAt: at }), item(5, { ratedAt: at })], key.privateKey);
    await upload(intake, key, [loop!, appeal!, good!]);
    await use({ intake, loopId: loop!.id, appealId: appeal!.id });
    await intake.close();
  },
});

/** A person signed in on their own browser context, at an office screen's size. */
async function signedIn(browser: Browser, intake: RunningIntake, login: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.goto(`${intake.origin}/work`);
  const form = page.locator('[data-screen="work-sign-in"]');
  await form.getByLabel('账号').fill(login);
  await form.getByLabel('密码').fill(PASSWORD);
  await form.getByRole('button', { name: '登录' }).click();
  await expect(page.locator(`[data-person="${login}"]`)).toBeVisible();
  return page;
}

async function openTicket(page: Page, id: string): Promise<void> {
  await page.locator(`tr[data-ticket="${id}"]`).getByRole('button', { name: '办理' }).click();
  await expect(page.locator(`article[data-ticket="${id}"]`)).toBeVisible();
}

/** Fills and submits the form of one step, then waits for the stage it leads to. */
async function takeStep(page: Page, step: string, fill: (form: ReturnType<Page['locator']>) => Promise<unknown>, stage: string): Promise<void> {
  const form = page.locator(`form[data-step="${step}"]`);
  await fill(form);
  await form.getByRole('button').last().click();
  await expect(page.locator('article.ticket-page')).toHaveAttribute('data-stage', stage);
}

test('a 差评 goes round the loop, and a 误评 upheld on appeal leaves the good rate but stays on record', async ({ browser, loop }) => {
  const { intake, loopId, appealId } = loop;

  // The handler of the department: sign-in, the queue, and the full loop on the ticket page.
  const handler = await signedIn(browser, intake, 'handler');
  await expect(handler.locator('tr[data-ticket]')).toHaveCount(2);
  await expectNoViolations(handler, 'work queue');
  await openTicket(handler, loopId);
  await expect(handler.locator('article.ticket-page')).toContainText('不满意');
  await expectNoViolations(handler, 'ticket page');
  await takeStep(handler, 'contact', (f) => f.getByLabel('情况说明').fill('已电话联系群众，了解情况'), 'contacted');
  await takeStep(
    handler,
    'determine',
    async (f) => {
      await f.getByLabel('认定结果').selectOption('true');
      await f.getByLabel('理由').fill('调阅录像，情况属实');
    },
    'determined',
  );
  await takeStep(handler, 'rectify', (f) => f.getByLabel('整改类别').selectOption('immediate'), 'rectifying');
  await takeStep(handler, 'rectified', (f) => f.getByLabel('情况说明').fill('已对窗口人员进行业务培训'), 'rectified');
  await takeStep(
    handler,
    'feedback',
    async (f) => {
      await f.getByLabel('反馈内容').fill('已将整改情况告知群众');
      await f.getByLabel('群众对整改的满意度').selectOption('satisfied');
    },
    'feedback_given',
  );
  await takeStep(handler, 'close', (f) => f.getByLabel('理由').fill('整改完毕，办结'), 'closed');
  await expect(handler.locator('.timeline li')).toHaveCount(7);

  // The other 差评 is judged 误评 and appealed, with a PDF as evidence.
  await handler.getByRole('button', { name: '返回列表' }).click();
  await openTicket(handler, appealId);
  await takeStep(handler, 'contact', (f) => f.getByLabel('情况说明').fill('群众表示按错了'), 'contacted');
  await takeStep(
    handler,
    'determine',
    async (f) => {
      await f.getByLabel('认定结果').selectOption('mistaken');
      await f.getByLabel('理由').fill('群众误操作');
    },
    'determined',
  );
  await takeStep(
    handler,
    'appeal',
    async (f) => {
      await f.getByLabel('申诉理由').fill('群众来电确认误触按键');
      await f.getByLabel(/申诉材料/).setInputFiles({ name: '通话记录.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n') });
    },
    'appealed',
  );
  await expect(handler.locator('form[data-step]')).toHaveCount(0);

  // li4, the rated staff member, reviews appeals too, but not this one: no form, and the route says 403.
  const self = await signedIn(browser, intake, 'li4.review');
  await expect(self.locator('h2#queue-heading')).toHaveText('待审核申诉');
  await openTicket(self, appealId);
  await expect(self.locator('form[data-step="decide_appeal"]')).toHaveCount(0);
  const csrfToken = (await (await self.request.get(`${intake.origin}/v1/work/session`)).json()).csrfToken as string;
  const own = await self.request.post(`${intake.origin}/v1/work/tickets/${appealId}/actions`, {
    headers: { 'x-csrf-token': csrfToken },
    data: { version: 4, event: { type: 'decide_appeal', upheld: true, reasons: '审核自己的评价' } },
  });
  expect(own.status()).toBe(403);
  expect((await own.json()).error.message).toMatch(/rated staff member/);

  // A centre reviewer upholds it: closed, excluded, the rating kept.
  const reviewer = await signedIn(browser, intake, 'reviewer');
  await openTicket(reviewer, appealId);
  await expect(reviewer.getByRole('link', { name: /…/ })).toHaveCount(1);
  await takeStep(
    reviewer,
    'decide_appeal',
    async (f) => {
      await f.getByLabel('申诉成立').check();
      await f.getByLabel('审核意见').fill('通话记录证实为误评');
    },
    'closed',
  );
  await expect(reviewer.locator('[data-excluded="true"]')).toBeVisible();
  await expect(reviewer.locator('article.ticket-page')).toContainText('非常不满意');

  // The managers' dashboard: the 差评 counted as excluded after appeal, out of the good rate.
  const board = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await board.goto(`${intake.origin}/dashboard?hall=h1`);
  await board.getByLabel('访问令牌').fill(DASHBOARD_TOKEN);
  await board.getByRole('button', { name: '进入' }).click();
  const figure = (label: string) => board.locator(`[data-figure="${label}"] .figure-value`);
  await expect(figure('评价总数')).toHaveText('3');
  await expect(figure('差评')).toHaveText('1');
  await expect(figure('好评率')).toHaveText('50.0%');
  await expect(figure('申诉后不计入')).toHaveText('1');
  await expect(figure('回访满意率')).toHaveText('100.0%');
  await expect(figure('申诉（成立/驳回/待审）')).toHaveText('1（1/0/0）');

  // More than a page of the sign-in log: a handler signs in and out eleven times.
  const desk = await browser.newContext();
  for (let i = 0; i < 11; i++) {
    const before = (await (await desk.request.get(`${intake.origin}/v1/work/session`)).json()).csrfToken as string;
    const signIn = await desk.request.post(`${intake.origin}/v1/work/session`, { headers: { 'x-csrf-token': before }, data: { login: 'other', password: PASSWORD } });
    expect(signIn.status()).toBe(200);
    const end = await desk.request.post(`${intake.origin}/v1/work/session/end`, { headers: { 'x-csrf-token': (await signIn.json()).csrfToken as string } });
    expect(end.ok()).toBe(true);
  }

  // The auditor finds the log whole, and reads the sign-ins a page at a time, newest first.
  const auditor = await signedIn(browser, intake, 'auditor');
  await auditor.getByRole('button', { name: '校验操作日志' }).click();
  await expect(auditor.locator('output[data-log-ok="true"]')).toContainText('哈希链校验通过');
  await auditor.getByRole('button', { name: '登录记录' }).click();
  const entries = auditor.locator('[data-screen="session-log"] tbody tr');
  await expect(entries).toHaveCount(20);
  await expect(entries.first()).toHaveAttribute('data-event', 'sign_in');
  await expect(entries.first()).toContainText('auditor');
  await expect(entries.nth(1)).toHaveAttribute('data-event', 'sign_out');
  await expectNoViolations(auditor, 'sign-in log');
  const lastSeqOfFirst = Number(await entries.last().getAttribute('data-seq'));
  // The older page fails once: while it loads and after it failed, page 1's entries are not shown as page 2's.
  let failOnce = true;
  await auditor.route('**/v1/work/log/sessions?*before=*', async (route) => {
    if (!failOnce) return route.continue();
    failOnce = false;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'unavailable', message: 'the intake is busy' }) });
  });
  await auditor.getByRole('button', { name: '较早记录' }).click();
  await expect(auditor.getByText('正在载入本页…')).toBeVisible();
  await expect(entries).toHaveCount(0);
  await expect(auditor.locator('[data-screen="session-log"] [role="alert"]')).toBeVisible();
  await expect(entries).toHaveCount(0);
  await expect(auditor.getByRole('button', { name: '较早记录' })).toBeDisabled();
  await auditor.getByRole('button', { name: '重试' }).click();
  await expect(auditor.locator('[data-screen="session-log"] table')).toHaveAttribute('data-page', '2');
  // 3 reviewers' and handlers' sign-ins, 22 of the desk, the auditor's: 26 entries, 6 on the second page.
  await expect(entries).toHaveCount(6);
  expect(Number(await entries.first().getAttribute('data-seq'))).toBeLessThan(lastSeqOfFirst);
  await expect(auditor.getByRole('button', { name: '较早记录' })).toBeDisabled();
  await auditor.getByRole('button', { name: '较新记录' }).click();
  await expect(entries).toHaveCount(20);
  await auditor.getByRole('button', { name: '返回列表' }).click();
  await auditor.getByRole('button', { name: 'English' }).click();
  await expect(auditor.getByRole('heading', { name: 'Complaint tickets' })).toBeVisible();
  await expectNoViolations(auditor, 'work queue in English');
  await auditor.getByRole('button', { name: 'Sign-in log' }).click();
  await expect(auditor.getByRole('heading', { name: 'Sign-in log' })).toBeVisible();
  await expect(entries.first()).toContainText('Signed in');
});

test("a handler of another department gets 403, and a forged post without the session's CSRF token is refused, nothing changed", async ({ browser, loop }) => {
  const { intake, loopId } = loop;
  const other = await signedIn(browser, intake, 'other');
  await expect(other.locator('tr[data-ticket]')).toHaveCount(0);
  const seen = await other.request.get(`${intake.origin}/v1/work/tickets/${loopId}`);
  expect(seen.status()).toBe(403);
  const csrfToken = (await (await other.request.get(`${intake.origin}/v1/work/session`)).json()).csrfToken as string;
  const acted = await other.request.post(`${intake.origin}/v1/work/tickets/${loopId}/actions`, { headers: { 'x-csrf-token': csrfToken }, data: { version: 1, event: { type: 'contact', reached: true, note: '越权办理' } } });
  expect(acted.status()).toBe(403);

  // The handler's own session, posted to without its token (as a forged form would) or with a made-up one.
  const handler = await signedIn(browser, intake, 'handler');
  for (const headers of [{}, { 'x-csrf-token': 'forged-token' }] as Array<Record<string, string>>) {
    const forged = await handler.request.post(`${intake.origin}/v1/work/tickets/${loopId}/actions`, { headers, data: { version: 1, event: { type: 'contact', reached: true, note: '伪造请求' } } });
    expect(forged.status()).toBe(403);
    expect((await forged.json()).error.code).toBe('csrf_refused');
  }
  const ticket = await handler.request.get(`${intake.origin}/v1/work/tickets/${loopId}`);
  expect(await ticket.json()).toMatchObject({ version: 1, stage: 'opened' });
});
