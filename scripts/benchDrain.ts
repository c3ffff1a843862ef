import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { demoHall, launchHost } from '../e2e/fixtures';
import { startIntake } from '../intake/intakeServer';

export interface DrainResult {
  queued: number;
  drainMs: number;
  baselineCount: number;
  baselineMs: number;
}

const ADMIN = 'bench-admin-token';

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
 * engine uploads them in batches to the reference intake. Baseline in the same run and page:
 * one signed request per outcome, sent one after another, as Workbox background-sync replays
 * its queue (Queue.replayRequests awaits each stored request in turn).
 */
export async function benchDrain(browser: Browser, queued: number, baselineCount: number, progress: (s: string) => void): Promise<DrainResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-intake-'));
  const enrolmentToken = `bench-enrol-${crypto.randomUUID()}`;
  const intake = await startIntake({
    dbFile: path.join(dir, 'intake.sqlite'),
    port: 0,
    corsOrigins: ['http://127.0.0.1:*'],
    enrolmentTokens: [{ token: enrolmentToken, deviceId: 'demo-pad-a01', expiresAtMs: Date.now() + 3_600_000 }],
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
    await page.evaluate(async (count) => {
      const template = {
        deviceId: 'demo-pad-a01',
        outcome: 'rated',
        level: 4,
        tags: [],
        public: true,
        callback: { requested: false },
        channel: 'hall-pad',
        ratedAt: '2026-11-22T10:00:00.000+08:00',
        monotonicMs: 1,
        clockOffsetMs: null,
        input: { method: 'touch', inviteToPressMs: 1500 },
        event: 'closed',
        case: { projectNo: 'BENCH', taskCode: 'T001', taskName: '企业设立登记', deptName: '市场监督管理局', regionCode: '340104', userProp: 2 },
        staff: { loginName: 'zhangsan', name: '张三' },
        window: { hallCode: 'demo-hall', windowNo: 'A01', windowName: '综合受理 1 号窗口' },
        questionSetVersion: 'national-2023',
      };
      // No named helpers in here: the page gets this function's source, not its closure.
      const db: IDBDatabase = await new Promise((resolve, reject) => {
        const open = indexedDB.open('haochaping-evaluator');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      for (let start = 0; start < count; start += 5000) {
        await new Promise<void>((resolve, reject) => {
          const tx = db.transaction('outbox', 'readwrite');
          const store = tx.objectStore('outbox');
          for (let i = start; i < Math.min(count, start + 5000); i++) {
            const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
            store.put({ ...template, id: `${a.slice(0, 14)}7${a.slice(15)}`, invitationId: `${b.slice(0, 14)}7${b.slice(15)}`, seq: 1_000_000 + i, case: { ...template.case, projectNo: `BENCH-${i}` }, storedAtMs: Date.now() });
          }
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        });
      }
      db.close();
    }, queued);
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
    const baselineMs = await page.evaluate(
      async ({ count, intakeUrl }) => {
        const db: IDBDatabase = await new Promise((resolve, reject) => {
          const open = indexedDB.open('haochaping-evaluator');
          open.onsuccess = () => resolve(open.result);
          open.onerror = () => reject(open.error);
        });
        const pair: CryptoKeyPair = await new Promise((resolve, reject) => {
          const request = db.transaction('meta').objectStore('meta').get('deviceKeyPair');
          request.onsuccess = () => resolve((request.result as { value: CryptoKeyPair }).value);
          request.onerror = () => reject(request.error);
        });
        db.close();
        const started = performance.now();
        for (let i = 0; i < count; i++) {
          const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
          const outcome = {
            id: `${a.slice(0, 14)}7${a.slice(15)}`, deviceId: 'demo-pad-a01', seq: 5_000_000 + i, invitationId: `${b.slice(0, 14)}7${b.slice(15)}`, outcome: 'rated', level: 4, tags: [], public: true,
            callback: { requested: false }, channel: 'hall-pad', ratedAt: '2026-11-22T10:00:00.000+08:00', monotonicMs: 1, clockOffsetMs: null,
            input: { method: 'touch', inviteToPressMs: 1500 }, event: 'closed',
            case: { projectNo: `BASE-${i}`, taskCode: 'T001', taskName: '企业设立登记', deptName: '市场监督管理局', regionCode: '340104', userProp: 2 },
            staff: { loginName: 'zhangsan', name: '张三' }, window: { hallCode: 'demo-hall', windowNo: 'A01', windowName: '综合受理 1 号窗口' },
            questionSetVersion: 'national-2023',
          };
          const body = JSON.stringify({ deviceId: 'demo-pad-a01', outcomes: [outcome] });
          const timestamp = String(Date.now());
          const raw = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, pair.privateKey, new TextEncoder().encode(`${timestamp}.${body}`)));
          const signature = btoa(String.fromCharCode(...raw)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
          const response = await fetch(`${intakeUrl}/v1/outcomes/batch`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-device-id': 'demo-pad-a01', 'x-request-timestamp': timestamp, 'x-signature': signature },
            body,
          });
          if (!response.ok) throw new Error(`baseline request failed: ${response.status}`);
          await response.json();
        }
        return performance.now() - started;
      },
      { count: baselineCount, intakeUrl: intake.origin },
    );
    return { queued, drainMs, baselineCount, baselineMs };
  } finally {
    await page.close();
    await host.host.close();
    await intake.close();
  }
}
