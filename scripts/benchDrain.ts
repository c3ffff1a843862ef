import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { demoHall, launchHost } from '../e2e/fixtures';
import { startIntake } from '../intake/server';
import { seederSource, type Seeder } from './benchSeederBundle';

export interface DrainResult {
  queued: number;
  drainMs: number;
  baselineCount: number;
  baselineMs: number;
}

const ADMIN = 'bench-admin-token-0123456789abcdefgh';

/** Counts the outbox with raw IndexedDB (not through the app). */
function outboxCount(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('haochaping-evaluator');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('outbox').objectStore('outbox').count();
          request.onsuccess = () => {
            resolve(request.result);
            open.result.close();
          };
        };
      }),
  );
}

/**
 * Drain benchmark: `queued` outcomes sit in the device outbox; the app is opened and its sync
 * engine uploads them in batches to the reference intake, which checks every outcome's signature
 * and chain link. Baseline in the same run and page: one signed request per outcome, sent one
 * after another, as Workbox background-sync replays its queue (Queue.replayRequests awaits each
 * stored request in turn).
 */
export async function benchDrain(browser: Browser, queued: number, baselineCount: number, progress: (s: string) => void): Promise<DrainResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-intake-'));
  const enrolmentToken = `bench-enrol-${crypto.randomUUID()}`;
  const intake = await startIntake({
    dbFile: path.join(dir, 'intake.sqlite'),
    port: 0,
    corsOrigins: ['http://127.0.0.1:*'],
    enrolmentTokens: [{ token: enrolmentToken, deviceId: 'demo-pad-a01', hallCode: 'demo-hall', expiresAtMs: Date.now() + 3_600_000 }],
    adminToken: ADMIN,
    log: () => undefined,
  });
  const base = demoHall();
  const host = await launchHost({
    ...base,
    intake: { url: intake.origin, batchSize: 500, syncIntervalSec: 3600 },
    devices: base.devices.map((d) => (d.id === 'demo-pad-a01' ? { ...d, enrolmentToken } : d)),
  });
  const page = await browser.newPage();
  if (process.env.BENCH_CONSOLE) page.on('console', (m) => console.log(m.text()));
  try {
    // First visit: the device enrols and its context is cached.
    await page.goto(host.host.appUrl);
    await page.locator('[data-screen="idle"]').waitFor();
    for (let i = 0; i < 100 && !(await page.evaluate(() => indexedDB.databases().then((d) => d.length > 0))); i++) await page.waitForTimeout(50);
    await page.waitForTimeout(1000);

    // Leave the app, queue the outcomes straight into its database, come back and time the drain.
    await page.goto(`${host.host.origin}/api/health`);
    progress(`queueing ${queued} outcomes`);
    await page.evaluate(await seederSource());
    await page.evaluate((count) => (globalThis as unknown as Seeder).benchSeeder.seedOutbox(count), queued);
    if ((await outboxCount(page)) < queued) throw new Error('queueing failed');

    progress('draining');
    // Progress is read from the intake over HTTP, not from the page's IndexedDB: counting a
    // 100,000-row store while it drains would compete with the drain itself.
    const intakeCount = async () =>
      ((await fetch(`${intake.origin}/v1/admin/outcomes/count?deviceId=demo-pad-a01`, { headers: { authorization: `Bearer ${ADMIN}` } }).then((r) => r.json())) as { count: number }).count;
    const started = performance.now();
    await page.goto(host.host.appUrl);
    while ((await intakeCount()) < queued) {
      await new Promise((r) => setTimeout(r, 100));
      if (performance.now() - started > 600_000) throw new Error('drain stalled');
    }
    // Drained means acknowledged and gone from the outbox.
    while ((await outboxCount(page)) > 0) await new Promise((r) => setTimeout(r, 20));
    const drainMs = performance.now() - started;

    progress(`baseline: ${baselineCount} single requests`);
    await page.evaluate(await seederSource());
    const baselineMs = await page.evaluate(
      ({ count, intakeUrl }) => (globalThis as unknown as Seeder).benchSeeder.sendOneByOne(count, intakeUrl),
      { count: baselineCount, intakeUrl: intake.origin },
    );
    return { queued, drainMs, baselineCount, baselineMs };
  } finally {
    await page.close();
    await host.host.close();
    await intake.close();
  }
}
