import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { v7 as uuidv7 } from 'uuid';
import type { UnsealedOutcome } from '../contract/outcomeChain';
import { startIntake, type RunningIntake } from '../intake/server';
import { signedHeaders, type TestDevice } from '../intake/testing/signedRequests';
import { chain, newDeviceKey } from '../intake/testing/signedOutcomes';

const ROOT = path.resolve(import.meta.dirname, '..');
const ADMIN_TOKEN = 'e2e-cross-hall-admin-token-0123456789';
const HALL_B_TOKEN = 'e2e-hall-b-dashboard-token-0123456789';
const CASE_TOKEN = 'e2e-cross-hall-case-event-token-0123456789';
const PERIOD = 'from=2026-11-01&to=2026-11-30';
/** What the device of hall A tries to get onto hall B's screens. */
const INTRUDER_COMMENT = '跨厅写入的差评内容';
const LATER = Date.now() + 600_000;

/** The reference intake serving the built dashboard pages, with one device in hall A and one in hall B. */
const test = base.extend<{ intake: RunningIntake }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures must destructure their dependencies
  intake: async ({}, use) => {
    const intake = await startIntake({
      dbFile: path.join(mkdtempSync(path.join(tmpdir(), 'e2e-cross-hall-')), 'intake.sqlite'),
      port: 0,
      corsOrigins: [],
      adminToken: ADMIN_TOKEN,
      dashboardTokens: { 'hall-b': HALL_B_TOKEN },
      caseEventTokens: { 'pad-a': CASE_TOKEN },
      dashboardAppDir: path.join(ROOT, 'dist'),
      enrolmentTokens: [
        { token: 'e2e-enrol-pad-a-aaaaaaaaaaaa', deviceId: 'pad-a', hallCode: 'hall-a', expiresAtMs: LATER },
        { token: 'e2e-enrol-pad-b-bbbbbbbbbbbb', deviceId: 'pad-b', hallCode: 'hall-b', expiresAtMs: LATER },
        // A token that would move pad-a into hall B, had anyone issued it.
        { token: 'e2e-rotate-pad-a-into-b-cccc', deviceId: 'pad-a', hallCode: 'hall-b', purpose: 'rotate', expiresAtMs: LATER },
      ],
      log: () => undefined,
    });
    await use(intake);
    await intake.close();
  },
});

const post = (intake: RunningIntake, url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${intake.origin}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

async function enrol(intake: RunningIntake, deviceId: string, token: string): Promise<TestDevice & { x: string }> {
  const key = newDeviceKey();
  expect((await post(intake, '/v1/devices', { enrolmentToken: token, deviceId, publicKey: key.x })).status).toBe(201);
  return { deviceId, privateKey: key.privateKey, x: key.x };
}

function rating(device: TestDevice, hallCode: string, level: 1 | 2 | 3 | 4 | 5, comment: string): Omit<UnsealedOutcome, 'prevHash'> {
  return {
    id: uuidv7(),
    deviceId: device.deviceId,
    seq: 0,
    invitationId: uuidv7(),
    outcome: 'rated',
    level,
    tags: level <= 2 ? ['213'] : [],
    comment,
    public: true,
    callback: { requested: false },
    channel: 'hall-pad',
    ratedAt: '2026-11-20T10:00:00.000+08:00',
    monotonicMs: 1,
    clockOffsetMs: null,
    input: { method: 'touch', inviteToPressMs: 1500 },
    event: 'closed',
    case: { projectNo: `P-${uuidv7().slice(-6)}`, taskCode: 'T1', taskName: '企业设立登记', deptName: '市场监督管理局' },
    staff: { loginName: 'wangwu', name: '王五' },
    window: { hallCode, windowNo: 'B01', windowName: '综合窗口' },
    questionSetVersion: 'national-2023',
    flags: [],
  };
}

async function upload(intake: RunningIntake, device: TestDevice, outcomes: unknown[]) {
  const body = JSON.stringify({ deviceId: device.deviceId, outcomes });
  const response = await post(intake, '/v1/outcomes/batch', body, signedHeaders(device, 'POST', '/v1/outcomes/batch', body));
  expect(response.status).toBe(200);
  return ((await response.json()) as { results: Array<{ status: string; code?: string }> }).results;
}

/** What hall B's public screen and its manager's dashboard show, as text. */
async function hallBScreens(page: Page, intake: RunningIntake): Promise<{ display: string; dashboard: string }> {
  await page.goto(`${intake.origin}/display?hall=hall-b&${PERIOD}`);
  const display = page.locator('[data-screen="public-display"]');
  await expect(display.locator('.figure').first()).toBeVisible();
  await expect(page.getByText('加载中')).toHaveCount(0);
  const displayText = await display.innerText();
  await page.goto(`${intake.origin}/dashboard?hall=hall-b&${PERIOD}`);
  if (await page.locator('[data-screen="dashboard-login"]').isVisible()) {
    await page.locator('[data-screen="dashboard-login"]').getByLabel('访问令牌').fill(HALL_B_TOKEN);
    await page.getByRole('button', { name: '进入' }).click();
  }
  const board = page.locator('[data-screen="dashboard"]');
  await expect(board.locator('[data-figure="评价总数"] .figure-value')).toHaveText('2');
  return { display: displayText, dashboard: await board.innerText() };
}

test('a device of hall A cannot change anything hall B\'s dashboard or public display shows', async ({ page, intake }) => {
  const padA = await enrol(intake, 'pad-a', 'e2e-enrol-pad-a-aaaaaaaaaaaa');
  const padB = await enrol(intake, 'pad-b', 'e2e-enrol-pad-b-bbbbbbbbbbbb');
  // Hall B's own ratings: what its screens show.
  const own = chain([rating(padB, 'hall-b', 5, '服务很好很耐心'), rating(padB, 'hall-b', 4, '办事效率高')], padB.privateKey);
  expect((await upload(intake, padB, own)).map((r) => r.status)).toEqual(['accepted', 'accepted']);
  const before = await hallBScreens(page, intake);
  expect(before.display).toContain('服务很好很耐心');

  // pad-a, signing with its own enrolled key, tries every way into hall B.
  const intruding = chain(
    [rating(padA, 'hall-b', 1, INTRUDER_COMMENT), rating(padA, 'hall-b', 1, INTRUDER_COMMENT), rating(padA, 'hall-a', 5, '本厅的好评')],
    padA.privateKey,
  );
  expect((await upload(intake, padA, intruding)).map((r) => r.code ?? r.status)).toEqual(['wrong_hall', 'wrong_hall', 'accepted']);
  const moved = await post(intake, '/v1/devices', { enrolmentToken: 'e2e-rotate-pad-a-into-b-cccc', deviceId: 'pad-a', publicKey: newDeviceKey().x });
  expect(moved.status).toBe(409);
  const caseEvent = await post(
    intake,
    '/v1/devices/pad-a/case-events',
    { event: 'closed', hallCode: 'hall-b', case: { projectNo: 'P-X', taskCode: 'T1', taskName: '事项', deptName: '部门' }, staff: { loginName: 'w5', name: '王五' } },
    { authorization: `Bearer ${CASE_TOKEN}` },
  );
  expect(caseEvent.status).toBe(422);

  // Hall B's screens show exactly what they showed; pad-a is flagged for trying.
  const after = await hallBScreens(page, intake);
  expect(after).toEqual(before);
  expect(after.display).not.toContain(INTRUDER_COMMENT);
  expect(after.dashboard).not.toContain(INTRUDER_COMMENT);
  const report = (await (await fetch(`${intake.origin}/v1/admin/integrity?deviceId=pad-a`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as {
    flagged: { reason: string } | null;
    events: Array<{ kind: string }>;
  };
  expect(report.flagged?.reason).toContain('wrong_hall');
  expect(report.events.filter((e) => e.kind === 'wrong_hall')).toHaveLength(4);
});
