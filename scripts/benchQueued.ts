import type { Browser, Page } from '@playwright/test';
import { demoHall, launchHost } from '../e2e/fixtures';
import { pressRows, runPressSeries, type PressSeries } from './benchPresses';
import { seederSource, type Seeder } from './benchSeederBundle';
import { clockOffset, nodeNow, sleep } from './pageMarks';
import { formatMs, percentile, printTable } from './stats';

/**
 * press → durable with a big queue: a hall offline for weeks keeps every outcome in the outbox.
 * The same page, host and settings measure the press series twice, first with an (almost) empty
 * outbox, then after `queueSize` valid, signed, chained outcomes were put in it (by
 * scripts/benchPageSeeder.ts, the app's own sealing code) and the page was reloaded onto them.
 * The demo hall names no intake, so nothing drains while it runs.
 */
export interface QueueState {
  /** Outcomes the bench queued before the page started (the empty series adds its own before them). */
  queued: number;
  series: PressSeries;
  /** Navigation start → idle screen shown with the host connected (Node clock). */
  startupMs: number;
  /** The renderer's V8 heap after a forced GC, once the series has run. */
  heapUsedBytes: number;
  heapTotalBytes: number;
  /** IndexedDB's part of navigator.storage.estimate() (usageDetails), after the series; the whole origin's where not broken down. */
  usageBytes: number | null;
  /** One raw IDBObjectStore.count() of the outbox, as the admin panel runs it. */
  countMs: number;
  counted: number;
}

export interface QueuedResult {
  count: number;
  empty: QueueState;
  full: QueueState;
  seedMs: number;
}

/** Time left to the page after it starts, before the presses (the same for both queues). */
const SETTLE_MS = 3000;
/** Seeding goes in calls of this many outcomes, each reported. */
const SEED_STEP = 100_000;

async function waitForIdle(page: Page): Promise<void> {
  await page.locator('[data-screen="idle"]').waitFor();
  await page.getByRole('status').waitFor({ state: 'detached' });
}

/** The renderer's JS heap after a full GC, read over CDP. */
async function heapAfterGc(page: Page): Promise<{ used: number; total: number }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize, totalSize } = await cdp.send('Runtime.getHeapUsage');
    return { used: usedSize, total: totalSize };
  } finally {
    await cdp.detach();
  }
}

/** Raw IndexedDB (not the app): counts the outbox, timed, and reads the origin's storage estimate. */
function countAndEstimate(page: Page): Promise<{ counted: number; countMs: number; usageBytes: number | null }> {
  return page.evaluate(async () => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const open = indexedDB.open('haochaping-evaluator');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => resolve(open.result);
    });
    const started = performance.now();
    const counted: number = await new Promise((resolve, reject) => {
      const request = db.transaction('outbox').objectStore('outbox').count();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const countMs = performance.now() - started;
    db.close();
    // Chromium breaks the origin's usage down (usageDetails); the IndexedDB part is the outbox's.
    const estimate = (await navigator.storage.estimate()) as StorageEstimate & { usageDetails?: { indexedDB?: number } };
    return { counted, countMs, usageBytes: estimate.usageDetails?.indexedDB ?? estimate.usage ?? null };
  });
}

export async function benchQueued(browser: Browser, queueSize: number, count: number, progress: (s: string) => void): Promise<QueuedResult> {
  const hall = demoHall({ inviteTimeoutSec: 600, thanksSec: 1 });
  // An intake would drain the queue under the measurement (and a missing one is the offline hall).
  if (hall.intake) throw new Error('the demo hall names an intake: its queue would drain during the bench');
  const evaluator = await launchHost(hall);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const { appUrl, origin } = evaluator.host;
  /** The app started on its current outbox, then the press series, heap and store read. */
  const measure = async (queued: number, label: string): Promise<QueueState> => {
    const started = nodeNow();
    await page.goto(appUrl);
    await waitForIdle(page);
    const startupMs = nodeNow() - started;
    await sleep(SETTLE_MS);
    const series = await runPressSeries(page, evaluator, { count, key: '5', clockOffset: await clockOffset(page), label });
    const heap = await heapAfterGc(page);
    // Leave the app before the raw count, so it competes with nothing the app does.
    await page.goto(`${origin}/api/health`);
    const store = await countAndEstimate(page);
    return { queued, series, startupMs, heapUsedBytes: heap.used, heapTotalBytes: heap.total, ...store };
  };

  try {
    // First visit: the database, the device key, the service worker; then leave, so both
    // measured starts are the same kind of start.
    await page.goto(appUrl);
    await waitForIdle(page);
    await sleep(1000);
    await page.goto(`${origin}/api/health`);

    const empty = await measure(0, 'empty queue');
    const before = empty.counted;

    progress(`queueing ${queueSize.toLocaleString('en')} outcomes unsent (signed and chained in the page)`);
    await page.evaluate(await seederSource());
    const seedStarted = nodeNow();
    for (let done = 0; done < queueSize; ) {
      const step = Math.min(SEED_STEP, queueSize - done);
      await page.evaluate(([n, first]) => (globalThis as unknown as Seeder).benchSeeder.seedOutbox(n, first), [step, done] as const);
      done += step;
      const s = (nodeNow() - seedStarted) / 1000;
      progress(`  ${done.toLocaleString('en')} / ${queueSize.toLocaleString('en')} queued, ${s.toFixed(1)} s, ${(done / s).toFixed(0)}/s`);
    }
    const seedMs = nodeNow() - seedStarted;

    const full = await measure(queueSize, `${queueSize.toLocaleString('en')} queued`);
    const expected = before + queueSize + count;
    if (full.counted !== expected) throw new Error(`outbox holds ${full.counted} outcomes, expected ${expected}: something drained or failed`);
    return { count, empty, full, seedMs };
  } finally {
    await page.close();
    await evaluator.host.close();
  }
}

const mb = (bytes: number | null) => (bytes === null ? '—' : `${(bytes / 1024 ** 2).toFixed(1)} MB`);
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : '—');

export function printQueuedBench({ count, empty, full, seedMs }: QueuedResult): void {
  const n = full.queued.toLocaleString('en');
  const p95 = (s: PressSeries) => percentile(s.toDurable, 95);
  const p50 = (s: PressSeries) => percentile(s.toDurable, 50);
  printTable(
    ['metric', 'n', 'p50', 'p95', 'target (p95)', 'baseline'],
    [
      ...pressRows(`press → press record durable, ${n} queued unsent`, full.series, '≤ 1.10× empty', `p95 ${ratio(p95(full.series), p95(empty.series))}, p50 ${ratio(p50(full.series), p50(empty.series))} of empty`),
      ...pressRows('  baseline: same, empty queue', empty.series, '≤ 20 ms', 'same page, same settings', '    '),
    ],
  );
  console.log('');
  printTable(
    ['metric', 'empty queue', `${n} queued`, 'target', 'queued / empty'],
    [
      ['start-up: load → idle screen, host connected', formatMs(empty.startupMs), formatMs(full.startupMs), '—', ratio(full.startupMs, empty.startupMs)],
      ['renderer JS heap used, after GC (CDP)', mb(empty.heapUsedBytes), mb(full.heapUsedBytes), '≤ 150 MB', ratio(full.heapUsedBytes, empty.heapUsedBytes)],
      ['  renderer JS heap allocated', mb(empty.heapTotalBytes), mb(full.heapTotalBytes), '—', ratio(full.heapTotalBytes, empty.heapTotalBytes)],
      ['IndexedDB in use (storage.estimate)', mb(empty.usageBytes), mb(full.usageBytes), '—', empty.usageBytes && full.usageBytes ? ratio(full.usageBytes, empty.usageBytes) : '—'],
      ['one raw count() of the outbox (admin panel)', formatMs(empty.countMs), formatMs(full.countMs), '—', ratio(full.countMs, empty.countMs)],
      ['outcomes in the outbox after the series', empty.counted.toLocaleString('en'), full.counted.toLocaleString('en'), '—', '—'],
    ],
  );
  const rate = (full.queued / (seedMs / 1000)).toFixed(0);
  console.log(`\nseeding ${n} outcomes (hash, Ed25519 signature, bulkAdd of 5,000 a transaction): ${(seedMs / 1000).toFixed(1)} s, ${rate}/s`);
  console.log(`both series: ${count} presses of 非常满意 (key 5), thanks 1 s, ${SETTLE_MS / 1000} s after the page started; no intake configured`);
}
