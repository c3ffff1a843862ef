import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { HallConfig } from '../contract/hallConfig';
import type { Outcome } from '../contract/outcome';
import type { RunningIntake } from '../intake/server';
import type { FaultPlan } from '../scripts/faultProxy';
import { launchKillableChromium, type KillableChromium } from './chromiumProcess';
import { expect, readInvitation, readOutbox, test } from './fixtures';
import { ADMIN_TOKEN, launchSyncedEvaluator } from './syncFixtures';

// Issue 15: a press is a record. Whatever moment the power goes, the intake ends up with exactly
// what the citizen had chosen by then, once: the press stands, what followed it is kept if it was
// written, nothing is invented, and a case whose press is recorded is never put to a citizen again.

/** Uploads answered 503 before they reach the intake: at the kill, the records exist only on the device. */
const HOLD_UPLOADS: FaultPlan = ({ path: p }) => (p.startsWith('/v1/outcomes') ? { kind: 'status', status: 503 } : { kind: 'pass' });
const PASS: FaultPlan = () => ({ kind: 'pass' });
const INVITE_TIMEOUT_SEC = 30;
/** An unrated ending's thanks screen shows the case QR this long (the shortest a hall may set), left alone. */
const CASE_QR_SEC = 10;

interface AdminRecord {
  id: string;
  seq: number;
  merge: 'rating' | 'withdrawn' | 'second' | 'amendment' | 'orphan';
  amends: { outcomeId: string; kind: string } | null;
}
interface ExportAnswer {
  records: Array<Record<string, unknown>>;
  warnings: Array<{ outcomeId: string; message: string }>;
}
const NO_REASON_WARNING = 'a 差评 without a reason code or a written comment: some provinces refuse it';

async function adminGet<T>(intake: RunningIntake, url: string): Promise<T> {
  const response = await fetch(`${intake.origin}${url}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(response.status, url).toBe(200);
  return (await response.json()) as T;
}
const adminRecords = async (intake: RunningIntake) => (await adminGet<{ outcomes: AdminRecord[] }>(intake, '/v1/admin/outcomes?deviceId=demo-pad-a01')).outcomes;
const exported = (intake: RunningIntake) => adminGet<ExportAnswer>(intake, '/v1/export?profile=anhui');
const exportedCase = async (intake: RunningIntake, projectNo: string) => (await exported(intake)).records.filter((r) => r.projectNo === projectNo);

/** The synced rig (e2e/syncFixtures.ts) with a hall whose rating screen times out in 30 s and whose thanks screen lasts its default. */
const launchRig = (policies: Partial<HallConfig['policies']>) => launchSyncedEvaluator({}, { thanksSec: 4, caseQrSec: CASE_QR_SEC, ...policies });

const recordsOf = async (page: Page, invitationId: string) => (await readOutbox(page)).filter((o) => o.invitationId === invitationId).sort((a, b) => a.seq - b.seq);

// Tracing would reach into the browser the test kills; an action that cannot happen fails on its own
// instead of using up the test's time.
test.use({ trace: 'off', actionTimeout: 15_000 });

// Teardown in afterEach, which runs even when the test times out: a killable Chromium is our own
// detached process and would outlive the run.
let teardown: Array<() => Promise<void>> = [];
test.afterEach(async () => {
  for (const step of teardown.reverse()) await step();
  teardown = [];
});

test('power cut at each moment of a rating: after restart the intake holds exactly what the citizen had chosen, once', async () => {
  test.setTimeout(180_000);
  const rig = await launchRig({ inviteTimeoutSec: INVITE_TIMEOUT_SEC });
  teardown.push(() => rig.close());
  const profile = mkdtempSync(path.join(tmpdir(), 'e2e-press-profile-'));
  const browser: { current: KillableChromium | null } = { current: null };
  teardown.push(async () => {
    await browser.current?.kill();
    browser.current = null;
  });
  let page!: Page;
  /** Every record the device held at a kill, by id. */
  const onDevice = new Map<string, Outcome>();

  const start = async () => {
    browser.current = await launchKillableChromium(profile);
    page = await browser.current.browser.contexts()[0]!.newPage();
    // The size the other specs use (playwright.config.ts); this browser's own default window is smaller.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(rig.host.appUrl);
  };
  /** Notes what the device holds, then pulls the plug. */
  const powerCut = async () => {
    for (const o of await readOutbox(page)) onDevice.set(o.id, o);
    await browser.current?.kill();
    browser.current = null;
  };
  /** Restart with uploads let through; returns once the outbox has reached the intake. */
  const restartAndSync = async () => {
    rig.proxy.setPlan(PASS);
    await start();
    await expect(page.locator('[data-screen="idle"]')).toBeVisible();
    await expect.poll(() => readOutbox(page).then((o) => o.length), { timeout: 30_000 }).toBe(0);
  };
  /** After a restart: the case is not shown again, and the device has it as ended. */
  const notShownAgain = async (invitationId: string) => {
    await expect(page.locator('[data-screen="idle"]')).toBeVisible();
    await expect(page.locator(`[data-invitation="${invitationId}"]`)).toHaveCount(0);
    expect((await readInvitation(page, invitationId))?.state).toBe('ended');
  };
  /** The intake's records of one case (those the device held at a kill), in chain order. */
  const atIntake = async (projectNo: string) => {
    const ids = new Set([...onDevice.values()].filter((o) => o.case.projectNo === projectNo).map((o) => o.id));
    return (await adminRecords(rig.intake)).filter((r) => ids.has(r.id));
  };
  const sendAndShow = async (projectNo: string) => {
    const id = await rig.sendCaseEvent(projectNo);
    await expect(page.locator(`[data-invitation="${id}"]`)).toBeVisible();
    return id;
  };

  rig.proxy.setPlan(HOLD_UPLOADS);
  await start();
  await expect(page.locator('[data-screen="idle"]')).toBeVisible();

  // b. Just after a 非常不满意 press: the details screen is up, nothing chosen on it.
  const b = await sendAndShow('P-CUT-B');
  await page.getByRole('button', { name: /^非常不满意/ }).click();
  await expect(page.locator('[data-screen="details"]')).toBeVisible();
  expect((await recordsOf(page, b)).map((o) => [o.outcome, o.level, o.tags, o.amends])).toEqual([['rated', 1, [], undefined]]);
  await powerCut();

  await restartAndSync();
  await notShownAgain(b);
  const pressB = [...onDevice.values()].find((o) => o.invitationId === b)!;
  expect(await atIntake('P-CUT-B')).toEqual([{ id: pressB.id, seq: pressB.seq, merge: 'rating', amends: null }]);
  expect(await exportedCase(rig.intake, 'P-CUT-B')).toEqual([expect.objectContaining({ satisfaction: '1', evalDetail: '', evaluateState: 'rated' })]);
  expect((await exported(rig.intake)).warnings).toContainEqual({ outcomeId: pressB.id, message: NO_REASON_WARNING });

  // c. On the details screen with two reasons ticked, not submitted: the ticks were never a record.
  rig.proxy.setPlan(HOLD_UPLOADS);
  const c = await sendAndShow('P-CUT-C');
  await page.getByRole('button', { name: /^非常不满意/ }).click();
  await expect(page.locator('fieldset.details-fields')).toBeEnabled();
  for (const reason of ['113', '115']) {
    await page.locator(`[data-tag="${reason}"]`).click();
    await expect(page.locator(`[data-tag="${reason}"]`)).toHaveAttribute('aria-pressed', 'true');
  }
  expect((await recordsOf(page, c)).map((o) => [o.outcome, o.level, o.tags, o.amends])).toEqual([['rated', 1, [], undefined]]);
  await powerCut();

  await restartAndSync();
  await notShownAgain(c);
  const pressC = [...onDevice.values()].find((o) => o.invitationId === c)!;
  expect(await atIntake('P-CUT-C')).toEqual([{ id: pressC.id, seq: pressC.seq, merge: 'rating', amends: null }]);
  expect(await exportedCase(rig.intake, 'P-CUT-C')).toEqual([expect.objectContaining({ satisfaction: '1', evalDetail: '', evaluateState: 'rated' })]);
  expect((await exported(rig.intake)).warnings).toContainEqual({ outcomeId: pressC.id, message: NO_REASON_WARNING });

  // d. Elderly mode, 非常不满意 pressed, the confirm screen up, not confirmed: the press stands.
  rig.proxy.setPlan(HOLD_UPLOADS);
  const toggle = page.getByRole('button', { name: /长辈模式/ });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  const d = await sendAndShow('P-CUT-D');
  await page.getByRole('button', { name: /^非常不满意/ }).click();
  await expect(page.locator('[data-screen="confirm"]')).toBeVisible();
  expect((await recordsOf(page, d)).map((o) => [o.outcome, o.level, o.tags, o.amends])).toEqual([['rated', 1, [], undefined]]);
  await powerCut();

  await restartAndSync();
  await notShownAgain(d);
  await expect(page.locator('[data-screen="confirm"]')).toHaveCount(0);
  const pressD = [...onDevice.values()].find((o) => o.invitationId === d)!;
  expect(await atIntake('P-CUT-D')).toEqual([{ id: pressD.id, seq: pressD.seq, merge: 'rating', amends: null }]);
  expect(await exportedCase(rig.intake, 'P-CUT-D')).toEqual([expect.objectContaining({ satisfaction: '1', evalDetail: '', evaluateState: 'rated' })]);
  expect((await exported(rig.intake)).warnings).toContainEqual({ outcomeId: pressD.id, message: NO_REASON_WARNING });

  // e. The thanks screen after a full 差评 with its details submitted.
  rig.proxy.setPlan(HOLD_UPLOADS);
  const e = await sendAndShow('P-CUT-E');
  await page.locator('[data-level="2"]').click();
  await expect(page.locator('fieldset.details-fields')).toBeEnabled();
  await page.locator('[data-tag="213"]').click();
  await page.locator('[data-tag="214"]').click();
  await page.getByLabel('意见或建议').fill('排队太久');
  await page.getByRole('button', { name: '提交评价' }).click();
  await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
  const recordsE = await recordsOf(page, e);
  expect(recordsE.map((o) => [o.outcome, o.level, o.tags, o.amends?.kind])).toEqual([
    ['rated', 2, [], undefined],
    ['rated', 2, ['213', '214'], 'details'],
  ]);
  await powerCut();

  await restartAndSync();
  await notShownAgain(e);
  const [pressE, detailsE] = recordsE;
  expect(await atIntake('P-CUT-E')).toEqual([
    { id: pressE!.id, seq: pressE!.seq, merge: 'rating', amends: null },
    { id: detailsE!.id, seq: detailsE!.seq, merge: 'amendment', amends: { outcomeId: pressE!.id, kind: 'details' } },
  ]);
  expect(await exportedCase(rig.intake, 'P-CUT-E')).toEqual([
    expect.objectContaining({ satisfaction: '2', evalDetail: '213,214', writingEvaluation: '排队太久', evaluateState: 'rated' }),
  ]);
  expect((await exported(rig.intake)).warnings.filter((w) => w.outcomeId === pressE!.id)).toEqual([]);

  // a. The rating screen up, nothing pressed: it comes back after the restart, and left alone
  // it ends as unrated; no level is invented.
  rig.proxy.setPlan(HOLD_UPLOADS);
  const a = await sendAndShow('P-CUT-A');
  // Its first showing is on disk: the timeout counts from it, across the restart.
  await expect.poll(async () => ((await readInvitation(page, a)) as { firstShownAtMs?: number } | undefined)?.firstShownAtMs).toBeGreaterThan(0);
  expect(await recordsOf(page, a)).toEqual([]);
  await powerCut();

  rig.proxy.setPlan(PASS);
  await start();
  await expect(page.locator(`[data-invitation="${a}"]`)).toBeVisible();
  expect(await recordsOf(page, a)).toEqual([]);
  // Then its thanks screen offers the case QR to rate on the phone, and nobody taps 完成.
  await expect(page.locator('[data-screen="idle"]')).toBeVisible({ timeout: (INVITE_TIMEOUT_SEC + CASE_QR_SEC + 15) * 1000 });
  await expect.poll(() => readOutbox(page).then((o) => o.length), { timeout: 30_000 }).toBe(0);
  const unratedIds = (await adminRecords(rig.intake)).filter((r) => !onDevice.has(r.id));
  expect(unratedIds).toEqual([expect.objectContaining({ merge: 'rating', amends: null })]);
  const [recordA] = await exportedCase(rig.intake, 'P-CUT-A');
  expect(await exportedCase(rig.intake, 'P-CUT-A')).toHaveLength(1);
  expect(recordA).toMatchObject({ evaluateState: 'unrated', evalDetail: '' });
  expect(recordA).not.toHaveProperty('satisfaction');

  // Altogether: one export record per invitation, none of b–e unrated, and no integrity finding
  // (no second rating, no orphan amendment, no gap in the chain).
  const all = await exported(rig.intake);
  expect(all.records.map((r) => [r.projectNo, r.evaluateState, r.satisfaction]).sort()).toEqual([
    ['P-CUT-A', 'unrated', undefined],
    ['P-CUT-B', 'rated', '1'],
    ['P-CUT-C', 'rated', '1'],
    ['P-CUT-D', 'rated', '1'],
    ['P-CUT-E', 'rated', '2'],
  ]);
  expect(await adminRecords(rig.intake)).toHaveLength(6);
  const integrity = await adminGet<{ gaps: unknown[]; events: unknown[]; flagged: unknown }>(rig.intake, '/v1/admin/integrity?deviceId=demo-pad-a01');
  expect(integrity).toMatchObject({ gaps: [], events: [], flagged: null });
});

test('撤销 in elderly mode is a withdrawal the intake shows, not a rating: the 4 that follows is the one rating', async ({ page }) => {
  const evaluator = await launchSyncedEvaluator();
  try {
    await page.goto(evaluator.host.appUrl);
    await expect(page.locator('[data-screen="idle"]')).toBeVisible();
    const toggle = page.getByRole('button', { name: /长辈模式/ });
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    const id = await evaluator.sendCaseEvent('P-UNDO-1');
    await expect(page.locator(`[data-invitation="${id}"]`)).toBeVisible();
    await page.getByRole('button', { name: /^非常不满意/ }).click();
    const confirm = page.locator('[data-screen="confirm"]');
    await expect(confirm).toBeVisible();
    await confirm.getByRole('button', { name: '撤销，重新选择' }).click();
    await expect(page.locator(`[data-invitation="${id}"]`)).toBeVisible();
    await page.locator('[data-level="4"]').click();
    await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
    await expect.poll(() => evaluator.intakeIds().then((ids) => ids.length), { timeout: 20_000 }).toBe(3);
    await expect.poll(() => readOutbox(page).then((o) => o.length)).toBe(0);

    const records = await adminRecords(evaluator.intake);
    const [press, withdrawal] = records;
    expect(records.map((r) => [r.seq, r.merge, r.amends?.kind ?? null])).toEqual([
      [1, 'withdrawn', null],
      [2, 'amendment', 'withdrawal'],
      [3, 'rating', null],
    ]);
    expect(withdrawal!.amends?.outcomeId).toBe(press!.id);

    const { records: exportedRecords } = await exported(evaluator.intake);
    expect(exportedRecords).toEqual([expect.objectContaining({ projectNo: 'P-UNDO-1', satisfaction: '4', evaluateState: 'rated' })]);
    // The hall's day as the intake counts it: the date of the rating in the hall's zone.
    const day = String(exportedRecords[0]!.evaluateTime).slice(0, 10);
    const { rows } = await adminGet<{ rows: Array<Record<string, unknown>> }>(evaluator.intake, `/v1/dashboard/aggregates?hall=demo-hall&from=${day}&to=${day}&by=hall`);
    expect(rows).toEqual([expect.objectContaining({ total: 1, good: 1, bad: 0, levels: [0, 0, 0, 1, 0] })]);
    // The withdrawn 非常不满意 opened no follow-up that stays.
    expect((await adminGet<{ followups: unknown[] }>(evaluator.intake, '/v1/admin/followups?status=all')).followups).toEqual([]);
  } finally {
    await evaluator.close();
  }
});
