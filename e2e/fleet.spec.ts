import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Heartbeat } from '../contract/heartbeat';
import { GENESIS_HASH } from '../contract/outcomeChain';
import { DEFAULT_FLEET_THRESHOLDS } from '../intake/fleet/fleetRules';
import { startIntake } from '../intake/server';
import { newDeviceKey } from '../intake/testing/signedOutcomes';
import { signedPost } from '../intake/testing/signedRequests';
import { expect, test } from './fixtures';

const ADMIN = 'e2e-fleet-admin-token-0123456789abcd';

// Hall IT staff read a fleet at a glance: the intake's /admin page lists devices worst first
// from their heartbeats (intake/fleet/), and sorts by any column.
test('the fleet view shows a silent device, a stale queue and an offline button box above the healthy ones', async ({ page }) => {
  let clock = Date.now();
  const ids = ['pad-ok', 'pad-silent', 'pad-stale', 'pad-box'];
  const intake = await startIntake({
    dbFile: path.join(mkdtempSync(path.join(tmpdir(), 'e2e-fleet-')), 'i.sqlite'),
    port: 0,
    corsOrigins: [],
    adminToken: ADMIN,
    enrolmentTokens: ids.map((id) => ({ token: `e2e-fleet-token-${id}-0123456789`, deviceId: id, hallCode: 'hall-a', expiresAtMs: Date.now() + 600_000 })),
    log: () => undefined,
    now: () => clock,
  });
  try {
    const beat = async (deviceId: string, privateKey: Parameters<typeof signedPost>[1]['privateKey'], over: Partial<Heartbeat> = {}) => {
      const body: Heartbeat = {
        deviceId,
        hallCode: 'hall-a',
        sentAtMs: clock,
        clockOffsetMs: 0,
        appVersion: '0.1.0',
        chainHead: { seq: 0, hash: GENESIS_HASH },
        outbox: { depth: 0, oldestUnsentAgeMs: null, deadLetters: 0 },
        storage: { usageBytes: 2_000_000, quotaBytes: 100_000_000 },
        ratingDevice: null,
        ...over,
      };
      const response = await signedPost(intake, { deviceId, privateKey }, `/v1/devices/${deviceId}/heartbeats`, body, { timestamp: clock });
      expect(response.statusCode).toBe(202);
    };
    const keys = new Map<string, ReturnType<typeof newDeviceKey>>();
    for (const id of ids) {
      const key = newDeviceKey();
      keys.set(id, key);
      const enrolled = await intake.app.inject({ method: 'POST', url: '/v1/devices', payload: { enrolmentToken: `e2e-fleet-token-${id}-0123456789`, deviceId: id, publicKey: key.x } });
      expect(enrolled.statusCode).toBe(201);
    }
    await beat('pad-silent', keys.get('pad-silent')!.privateKey);
    clock += DEFAULT_FLEET_THRESHOLDS.silentAfterMs + 5 * 60_000;
    await beat('pad-ok', keys.get('pad-ok')!.privateKey);
    await beat('pad-stale', keys.get('pad-stale')!.privateKey, { chainHead: { seq: 30, hash: 'c'.repeat(64) }, outbox: { depth: 30, oldestUnsentAgeMs: 6 * 3_600_000, deadLetters: 0 } });
    await beat('pad-box', keys.get('pad-box')!.privateKey, { ratingDevice: { online: false, lastPressAtMs: null, missedHeartbeats: 5 } });

    await page.goto(`${intake.origin}/admin`);
    await page.getByLabel('Admin token').fill(ADMIN);
    await page.getByRole('button', { name: 'Load', exact: true }).click();
    const rows = page.locator('#fleet tbody tr');
    await expect(rows).toHaveCount(4);
    await expect(page.locator('#fleetStatus')).toHaveText('4 devices, 3 with open flags');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.device))).toEqual(['pad-silent', 'pad-stale', 'pad-box', 'pad-ok']);
    await expect(rows.nth(0)).toContainText('device-silent');
    await expect(rows.nth(0)).toContainText('15 min ago');
    await expect(rows.nth(1)).toContainText('queue-stale');
    await expect(rows.nth(1)).toContainText('6.0 h');
    await expect(rows.nth(2)).toContainText('OFFLINE');
    await expect(rows.nth(3)).toContainText('none');
    // Sortable: by device, then the other way round.
    await page.locator('#fleet th[data-sort="deviceId"]').click();
    expect(await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.device))).toEqual(['pad-box', 'pad-ok', 'pad-silent', 'pad-stale']);
    await page.locator('#fleet th[data-sort="deviceId"]').click();
    expect(await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.device))).toEqual(['pad-stale', 'pad-silent', 'pad-ok', 'pad-box']);
  } finally {
    await intake.close();
  }
});
