import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startIntake } from '../intake/server';
import { hashPin } from '../shared-node/adminPin';
import { deviceBundle } from '../scripts/provisioning';
import { expectNoViolations } from './axeCheck';
import { DEMO_ADMIN_PIN, demoHall, expect, openAdmin, readOutbox, test } from './fixtures';
import { ADMIN_TOKEN } from './syncFixtures';

test.use({ hasTouch: true });

const EXPIRES = new Date(Date.now() + 600_000).toISOString();
const ROOT = path.resolve(import.meta.dirname, '..');

test('host-less tablet: set up from its bundle, invitations arrive from the intake feed, are rated by touch and reach the intake', async ({ page }) => {
  const caseEventToken = `tablet-case-${crypto.randomUUID()}`;
  const enrolmentToken = `tablet-enrol-${crypto.randomUUID()}`;
  const rotationToken = `tablet-rotate-${crypto.randomUUID()}`;
  const intake = await startIntake({
    dbFile: path.join(mkdtempSync(path.join(tmpdir(), 'e2e-tablet-')), 'intake.sqlite'),
    port: 0,
    // Same origin as the page: no CORS needed.
    corsOrigins: [],
    enrolmentTokens: [
      { token: enrolmentToken, deviceId: 'demo-pad-a01', hallCode: 'demo-hall', expiresAtMs: Date.now() + 600_000 },
      // What npm run provision -- … --rotate makes for a tablet that was reset (below).
      { token: rotationToken, deviceId: 'demo-pad-a01', hallCode: 'demo-hall', purpose: 'rotate', expiresAtMs: Date.now() + 600_000 },
    ],
    caseEventTokens: { 'demo-pad-a01': caseEventToken },
    adminToken: ADMIN_TOKEN,
    staffDirectory: [{ loginName: 'zhangsan', name: '张三', passwordHash: hashPin('zhangsan password 1') }],
    // The intake serves the evaluator itself: a tablet needs only its address.
    evaluatorAppDir: path.join(ROOT, 'dist'),
    log: () => undefined,
  });
  const base = demoHall({ thanksSec: 1 });
  const hall = {
    ...base,
    intake: { url: intake.origin, batchSize: 500, syncIntervalSec: 5 },
    devices: base.devices.map((d) => (d.id === 'demo-pad-a01' ? { ...d, enrolmentToken } : d)),
  };
  try {
    await page.goto(`${intake.origin}/`);
    // First start with no host and nothing stored: IT staff load the bundle provisioning wrote.
    const setup = page.locator('[data-screen="setup"]');
    await expect(setup).toBeVisible();
    const fileInput = setup.getByLabel('设备配置包');
    // A serial device's bundle cannot make a tablet: refused, with the reason, and nothing stored.
    const serialBundle = deviceBundle(
      { ...hall, devices: hall.devices.map((d) => (d.id === 'demo-pad-a01' ? { ...d, kind: 'serial' as const, serial: { path: '/dev/ttyUSB0', baudRate: 9600, valueMap: 'open' as const } } : d)) },
      'demo-pad-a01',
      enrolmentToken,
      EXPIRES,
    );
    await fileInput.setInputFiles({ name: 'serial.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(serialBundle)) });
    // Said in the operator's language (issue 21: it was "devices: no pad or monitor to be; … need a host").
    await expect(setup.getByRole('alert')).toContainText('配置包里没有平板可以担任的设备（pad 或 monitor）：demo-pad-a01 (serial) 需要接在窗口电脑（主机）上使用。');
    await setup.getByLabel('或粘贴配置包内容').fill('{"hall": {');
    await setup.getByRole('button', { name: '读取' }).click();
    await expect(setup.getByRole('alert')).toContainText('JSON');
    await expectNoViolations(page, 'tablet setup (problems listed)');

    const bundle = deviceBundle(hall, 'demo-pad-a01', enrolmentToken, EXPIRES);
    await fileInput.setInputFiles({ name: 'demo-pad-a01.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bundle)) });
    await expect(setup.getByRole('alert')).toHaveCount(0);
    await expect(setup.locator('[data-setup-device="demo-pad-a01"]')).toContainText('A01');
    await expectNoViolations(page, 'tablet setup (bundle read)');
    await setup.getByRole('button', { name: '使用此配置' }).click();
    await expect(page.locator('.hall-name')).toHaveText('示范区政务服务中心');
    // Stored: a reload starts as this tablet, without the setup screen.
    await page.reload();
    await expect(page.locator('.hall-name')).toHaveText('示范区政务服务中心');
    // Connected to the feed (after enrolling its key): the "connecting" notice goes away.
    await expect(page.getByRole('status')).toHaveCount(0, { timeout: 20_000 });

    const response = await fetch(`${intake.origin}/v1/devices/demo-pad-a01/case-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${caseEventToken}` },
      body: JSON.stringify({
        event: 'closed',
        case: { projectNo: 'P-TABLET-1', taskCode: '113401000000000001', taskName: '企业设立登记', deptName: '市场监督管理局', userProp: 1 },
        staff: { loginName: 'lisi', name: '李四' },
      }),
    });
    expect(response.status).toBe(202);
    const { invitationId } = (await response.json()) as { invitationId: string };

    const rating = page.locator(`[data-invitation="${invitationId}"]`);
    await expect(rating).toBeVisible();
    await expect(rating).toContainText('李四');
    await rating.getByRole('button', { name: /^非常满意/ }).tap();
    await expect(page.locator('[data-screen="thanks"]')).toBeVisible();

    await expect
      .poll(async () => {
        const stored = await fetch(`${intake.origin}/v1/admin/outcomes?deviceId=demo-pad-a01`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        return ((await stored.json()) as { outcomes: { id: string }[] }).outcomes.length;
      }, { timeout: 20_000 })
      .toBe(1);
    // Acknowledged by the intake, so the outbox is empty again.
    await expect.poll(async () => (await readOutbox(page)).length).toBe(0);

    // The admin panel on a tablet: the bundle's PIN hash is checked on the tablet itself.
    await openAdmin(page, '1357');
    await expect(page.locator('[data-screen="pin"]')).toContainText('密码错误');
    await page.getByLabel('管理密码').fill(DEMO_ADMIN_PIN);
    await page.getByRole('button', { name: '确定' }).click();
    const admin = page.locator('[data-screen="admin"]');
    await expect(admin).toBeVisible();
    await expect(admin.locator('[data-fact="unsent"]')).toHaveText('0');
    // No kiosk shell to leave on a tablet.
    await expect(admin.getByRole('button', { name: '退出自助模式' })).toHaveCount(0);
    await admin.getByRole('button', { name: '关闭' }).first().click();

    // Issue 21: re-provisioning from the admin panel. A staff member pairs first: the session must survive it.
    const codeShown = page.locator('[data-pairing-code]');
    await expect(codeShown).toBeVisible({ timeout: 20_000 });
    const paired = await fetch(`${intake.origin}/v1/pairings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: await codeShown.getAttribute('data-pairing-code'), loginName: 'zhangsan', password: 'zhangsan password 1' }),
    });
    expect(paired.status).toBe(200);
    await expect(page.locator('[data-screen="idle"]')).toContainText('张三', { timeout: 20_000 });

    await openAdmin(page);
    const section = page.getByRole('region', { name: '重新配置本设备' });
    const reprovisionFile = section.getByLabel('设备配置包');
    // Another device's bundle is refused, naming both devices; nothing changes.
    await reprovisionFile.setInputFiles({ name: 'a02.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(deviceBundle(hall, 'demo-pad-a02', enrolmentToken, EXPIRES))) });
    await expect(section.getByRole('alert')).toContainText('这份配置包是给 demo-pad-a02 (demo-hall) 的，而本平板是 demo-hall 的设备 demo-pad-a01');
    // The same device with its window renamed, the same token: the key stays.
    const renamed = { ...hall, windows: hall.windows.map((w) => (w.no === 'A01' ? { ...w, name: '综合受理（改名后）' } : w)) };
    await reprovisionFile.setInputFiles({ name: 'a01.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(deviceBundle(renamed, 'demo-pad-a01', enrolmentToken, EXPIRES))) });
    await expect(section.locator('[data-setup-key="kept"]')).toBeVisible();
    await expectNoViolations(page, 'tablet re-provisioning (bundle read)');
    await section.getByRole('button', { name: '加载新配置' }).click();
    await expect(section.getByRole('status')).toHaveText('已加载新配置。');
    await admin.getByRole('button', { name: '关闭' }).first().click();
    const idle = page.locator('[data-screen="idle"]');
    await expect(idle.locator('.window-name')).toContainText('综合受理（改名后）');
    await expect(idle).toContainText('张三');
    // Kept over a reload too, and the next rating reaches the intake on the same chain: no fork.
    await page.reload();
    await expect(page.locator('[data-screen="idle"] .window-name')).toContainText('综合受理（改名后）');
    await expect(page.locator('[data-screen="idle"]')).toContainText('张三');
    await expect(page.getByRole('status')).toHaveCount(0, { timeout: 20_000 });
    const second = await fetch(`${intake.origin}/v1/devices/demo-pad-a01/case-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${caseEventToken}` },
      body: JSON.stringify({ event: 'closed', case: { projectNo: 'P-TABLET-2', taskCode: '113401000000000001', taskName: '企业设立登记', deptName: '市场监督管理局', userProp: 1 }, staff: { loginName: 'zhangsan', name: '张三' } }),
    });
    const secondId = ((await second.json()) as { invitationId: string }).invitationId;
    await page.locator(`[data-invitation="${secondId}"]`).getByRole('button', { name: /^满意/ }).tap();
    await expect
      .poll(async () => {
        const stored = await fetch(`${intake.origin}/v1/admin/outcomes?deviceId=demo-pad-a01`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        return ((await stored.json()) as { outcomes: { id: string }[] }).outcomes.length;
      }, { timeout: 20_000 })
      .toBe(2);
    const integrity = await fetch(`${intake.origin}/v1/admin/integrity?deviceId=demo-pad-a01`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(JSON.stringify(await integrity.json())).not.toMatch(/fork/i);
    const fleet = (await (await fetch(`${intake.origin}/v1/admin/fleet`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { devices: Array<{ deviceId: string; openFlags: unknown[] }> };
    expect(fleet.devices.find((d) => d.deviceId === 'demo-pad-a01')?.openFlags).toEqual([]);

    // Issue 21: a reset from the admin panel, then the same device set up again with a rotation
    // bundle. Every rating has reached the intake, so no export is needed.
    await expect.poll(async () => (await readOutbox(page)).length).toBe(0);
    await openAdmin(page);
    const reset = page.getByRole('region', { name: '重置本设备' });
    await expect(reset.locator('[data-fact="resetUnsent"]')).toHaveText('所有评价都已送达评价中心，可以重置。');
    await expectNoViolations(page, 'tablet reset section');
    await reset.getByRole('button', { name: '重置本设备…' }).click();
    await reset.getByRole('button', { name: '确认重置 demo-pad-a01' }).click();
    // Forgotten: the setup screen, as on a new tablet.
    const again = page.locator('[data-screen="setup"]');
    await expect(again).toBeVisible();
    await again.getByLabel('设备配置包').setInputFiles({ name: 'a01-rotate.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(deviceBundle(renamed, 'demo-pad-a01', rotationToken, EXPIRES))) });
    await again.getByRole('button', { name: '使用此配置' }).click();
    await expect(page.getByRole('status')).toHaveCount(0, { timeout: 20_000 });
    const third = await fetch(`${intake.origin}/v1/devices/demo-pad-a01/case-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${caseEventToken}` },
      body: JSON.stringify({ event: 'closed', case: { projectNo: 'P-TABLET-3', taskCode: '113401000000000001', taskName: '企业设立登记', deptName: '市场监督管理局', userProp: 1 }, staff: { loginName: 'lisi', name: '李四' } }),
    });
    const thirdId = ((await third.json()) as { invitationId: string }).invitationId;
    await page.locator(`[data-invitation="${thirdId}"]`).getByRole('button', { name: /^非常满意/ }).tap();
    await expect
      .poll(async () => {
        const stored = await fetch(`${intake.origin}/v1/admin/outcomes?deviceId=demo-pad-a01`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        return ((await stored.json()) as { outcomes: { id: string; seq: number }[] }).outcomes.map((o) => o.seq).sort();
      }, { timeout: 20_000 })
      .toEqual([1, 2, 3]);
    // A new key, the same chain: seq 3 follows seq 2, and nothing is flagged.
    const afterReset = (await (await fetch(`${intake.origin}/v1/admin/integrity?deviceId=demo-pad-a01`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { flagged: unknown; gaps: unknown[]; events: Array<{ kind: string }> };
    expect(afterReset.flagged).toBeNull();
    expect(afterReset.gaps).toEqual([]);
    expect(afterReset.events.map((e) => e.kind)).not.toContain('fork');
  } finally {
    await page.close();
    await intake.close();
  }
});
