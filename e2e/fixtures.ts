import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { HallConfigSchema, type HallConfig } from '../contract/hallConfig';
import type { Outcome } from '../contract/outcome';
import { readHallConfig } from '../host/hallConfigFile';
import { startHost, type HostOptions, type RunningHost } from '../host/hostServer';
import { TEST_SEALING_PUBLIC_KEY } from './testSealingKey';

const ROOT = path.resolve(import.meta.dirname, '..');

export function demoHall(policies: Partial<HallConfig['policies']> = {}): HallConfig {
  const hall = readHallConfig(path.join(ROOT, 'kiosk-config/demo-hall.json'));
  return HallConfigSchema.parse({ ...hall, policies: { ...hall.policies, ...policies } });
}

export interface HostFixture {
  host: RunningHost;
  /** POSTs a case event as the window business system would; returns the invitation id. */
  sendCaseEvent(projectNo: string, overrides?: Record<string, unknown>): Promise<string>;
}

export async function launchHost(hall: HallConfig, extra: Partial<HostOptions> = {}): Promise<HostFixture> {
  const host = await startHost({ hall, deviceId: 'demo-pad-a01', port: 0, staticDir: path.join(ROOT, 'dist'), log: () => undefined, ...extra });
  return {
    host,
    async sendCaseEvent(projectNo, overrides = {}) {
      const response = await fetch(`${host.origin}/api/case-events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${host.caseEventToken}` },
        body: JSON.stringify({
          event: 'closed',
          case: {
            projectNo,
            taskCode: '113401000000000001',
            taskName: '企业设立登记',
            deptName: '市场监督管理局',
            regionCode: '340104',
            userProp: 2,
            acceptDate: '2026-11-22 09:00:00',
            resultDate: '2026-11-22 09:30:00',
          },
          staff: { loginName: 'zhangsan', name: '张三', staffNo: 'A0123' },
          ...overrides,
        }),
      });
      expect(response.status).toBe(202);
      return ((await response.json()) as { invitationId: string }).invitationId;
    },
  };
}

export const test = base.extend<{ hostPolicies: Partial<HallConfig['policies']>; evaluator: HostFixture }>({
  hostPolicies: [{}, { option: true }],
  evaluator: async ({ hostPolicies }, use) => {
    // An intake the device knows the sealing key of but has no enrolment token for: callbacks
    // can be sealed, and no sync traffic leaves the test.
    const hall = { ...demoHall(hostPolicies), intake: { url: 'http://127.0.0.1:9/', batchSize: 500, syncIntervalSec: 30, sealingPublicKey: TEST_SEALING_PUBLIC_KEY } };
    const fixture = await launchHost(hall);
    await use(fixture);
    await fixture.host.close();
  },
});
export { expect };

/** Opens the rating screen as the kiosk browser would and waits until the host is connected. */
export async function openEvaluator(page: Page, host: RunningHost): Promise<void> {
  await page.goto(host.appUrl);
  await expect(page.locator('[data-screen="idle"]')).toBeVisible();
  await expect(page.getByRole('status')).toHaveCount(0);
}

/** The demo hall's admin PIN (kiosk-config/demo-hall.json holds only its scrypt hash). */
export const DEMO_ADMIN_PIN = '2468';

/** Staff gesture: five taps on the hall name, then the PIN. */
export async function openAdmin(page: Page, pin = DEMO_ADMIN_PIN): Promise<void> {
  for (let i = 0; i < 5; i++) await page.locator('.hall-name').click();
  await expect(page.locator('[data-screen="pin"]')).toBeVisible();
  await page.getByLabel('管理密码').fill(pin);
  await page.getByRole('button', { name: '确定' }).click();
}

/** Reads the outbox straight from IndexedDB, not through the app. */
export function readOutbox(page: Page): Promise<Outcome[]> {
  return page.evaluate(
    () =>
      new Promise<Outcome[]>((resolve, reject) => {
        const open = indexedDB.open('haochaping-evaluator');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const request = db.transaction('outbox').objectStore('outbox').getAll();
          request.onsuccess = () => {
            resolve(request.result as Outcome[]);
            db.close();
          };
          request.onerror = () => reject(request.error);
        };
      }),
  );
}

export function readInvitation(page: Page, id: string): Promise<{ state: string; extraPresses?: number } | undefined> {
  return page.evaluate(
    (invitationId) =>
      new Promise<{ state: string; extraPresses?: number } | undefined>((resolve, reject) => {
        const open = indexedDB.open('haochaping-evaluator');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const request = db.transaction('invitations').objectStore('invitations').get(invitationId);
          request.onsuccess = () => {
            resolve(request.result as { state: string; extraPresses?: number } | undefined);
            db.close();
          };
        };
      }),
    id,
  );
}

/** Every object store of the evaluator's database as one JSON text: what someone with the disk could read. */
export function dumpDatabase(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('haochaping-evaluator');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = [...db.objectStoreNames];
          const tx = db.transaction(names);
          const dump: Record<string, unknown[]> = {};
          for (const name of names) {
            const request = tx.objectStore(name).getAll();
            request.onsuccess = () => (dump[name] = request.result);
          }
          tx.oncomplete = () => {
            db.close();
            resolve(JSON.stringify(dump));
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}
