import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startIntake, type IntakeOptions, type RunningIntake } from '../intake/server';
import { storedOutcomes } from '../intake/testing/adminPages';
import { startFaultProxy, type FaultProxy } from '../scripts/faultProxy';
import type { Page } from '@playwright/test';
import type { HallConfig } from '../contract/hallConfig';
import { FleetResponseSchema, type FleetDevice } from '../contract/heartbeat';
import { demoHall, expect, launchHost, type HostFixture } from './fixtures';

export const ADMIN_TOKEN = 'e2e-intake-admin-token-0123456789';

export interface SyncedEvaluator extends HostFixture {
  intake: RunningIntake;
  proxy: FaultProxy;
  intakeIds(): Promise<string[]>;
  close(): Promise<void>;
}

/** Host + reference intake (behind a fault proxy) + enrolment, as `npm start` wires them; the demo hall with `policies` over its own. */
export async function launchSyncedEvaluator(intakeExtra: Partial<IntakeOptions> = {}, policies: Partial<HallConfig['policies']> = {}): Promise<SyncedEvaluator> {
  const dir = mkdtempSync(path.join(tmpdir(), 'e2e-intake-'));
  const enrolmentToken = `e2e-enrol-${crypto.randomUUID()}`;
  const intake = await startIntake({
    dbFile: path.join(dir, 'intake.sqlite'),
    port: 0,
    corsOrigins: ['http://127.0.0.1:*'],
    enrolmentTokens: [{ token: enrolmentToken, deviceId: 'demo-pad-a01', hallCode: 'demo-hall', expiresAtMs: Date.now() + 600_000 }],
    adminToken: ADMIN_TOKEN,
    log: () => undefined,
    // A test's teardown waits at most this long for the page's requests to the intake.
    closeGraceMs: 2_000,
    ...intakeExtra,
  });
  const proxy = await startFaultProxy(intake.origin);
  const base = demoHall({ thanksSec: 1, ...policies });
  const hall = {
    ...base,
    intake: { url: proxy.origin, batchSize: 500, syncIntervalSec: 5 },
    devices: base.devices.map((d) => (d.id === 'demo-pad-a01' ? { ...d, enrolmentToken } : d)),
  };
  const host = await launchHost(hall);
  return {
    ...host,
    intake,
    proxy,
    async intakeIds() {
      return (await storedOutcomes(intake.origin, ADMIN_TOKEN, 'demo-pad-a01')).map((o) => o.id);
    },
    async close() {
      // Each server gets its own bound, so a teardown that hangs names the one that did.
      await closeWithin('host', host.host.close());
      await closeWithin('fault proxy', proxy.close());
      await closeWithin('intake', intake.close());
    },
  };
}

/** The synced device as the intake's fleet lists it: its first heartbeat comes as soon as it is enrolled. */
export async function deviceAtIntake(evaluator: SyncedEvaluator): Promise<FleetDevice | undefined> {
  const response = await fetch(`${evaluator.intake.origin}/v1/admin/fleet`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return FleetResponseSchema.parse(await response.json()).devices.find((d) => d.deviceId === 'demo-pad-a01');
}

async function closeWithin(name: string, closing: Promise<void>, ms = 15_000): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the ${name} did not close within ${ms} ms`)), ms)));
  try {
    await Promise.race([closing, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Rates one case with a key press and waits until the screen is back to idle. */
export async function rate(page: Page, send: (projectNo: string) => Promise<string>, projectNo: string, key: string): Promise<string> {
  const id = await send(projectNo);
  await expect(page.locator(`[data-invitation="${id}"]`)).toBeVisible();
  await page.keyboard.press(key);
  await expect(page.locator('[data-screen="idle"]')).toBeVisible();
  return id;
}
