import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config';
import { demoHall, launchHost } from '../e2e/fixtures';
import { buildIfStale } from './buildIfStale';
import { benchDashboard, printDashboardBench } from './benchDashboard';
import { benchDrain } from './benchDrain';
import { benchLighthouse } from './benchLighthouse';
import { benchSerial } from './benchSerial';
import { awaitMark, clockOffset, nodeNow, sleep } from './pageMarks';
import { formatMs, percentile, printTable } from './stats';

/**
 * `npm run bench`: the rating loop's latencies in real Chromium against the real host.
 *   case event → rating screen painted: from just before the POST to the first painted frame.
 *   press → durable: from the press reaching the app to the outbox transaction committing.
 * Baseline, measured in the same run and page: a raw IndexedDB put of the same records with the
 * same (strict) durability, and with the browser's default durability.
 */
const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '200' },
    queued: { type: 'string', default: '100000' },
    baseline: { type: 'string', default: '2000' },
    serial: { type: 'string', default: '100' },
    only: { type: 'string' },
    // The dashboard section generates a million outcomes (minutes): only on request.
    dashboard: { type: 'boolean', default: false },
    'dashboard-count': { type: 'string', default: '1000000' },
  },
});
const COUNT = Number(values.count);


async function rawPutBaseline(page: Page, durability: 'strict' | 'default'): Promise<number[]> {
  return page.evaluate(async (mode) => {
    const records: Record<string, unknown>[] = await new Promise((resolve, reject) => {
      const open = indexedDB.open('haochaping-evaluator');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const request = open.result.transaction('outbox').objectStore('outbox').getAll();
        request.onsuccess = () => {
          resolve(request.result as Record<string, unknown>[]);
          open.result.close();
        };
      };
    });
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const open = indexedDB.open(`bench-raw-${mode}-${Date.now()}`, 1);
      open.onupgradeneeded = () => open.result.createObjectStore('outbox', { keyPath: 'id' });
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const times: number[] = [];
    for (const record of records) {
      const start = performance.now();
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('outbox', 'readwrite', { durability: mode });
        tx.objectStore('outbox').put({ ...record, id: crypto.randomUUID() });
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      times.push(performance.now() - start);
    }
    db.close();
    return times;
  }, durability);
}

async function benchRatingLoop(browser: Browser): Promise<string[][]> {
  const evaluator = await launchHost(demoHall({ inviteTimeoutSec: 600, thanksSec: 1 }));
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(evaluator.host.appUrl);
    await page.locator('[data-screen="idle"]').waitFor();
    await page.getByRole('status').waitFor({ state: 'detached' });
    const offset = await clockOffset(page);

    const toPaint: number[] = [];
    const toDurable: number[] = [];
    process.stdout.write(`running ${COUNT} invitations `);
    for (let i = 0; i < COUNT; i++) {
      const sentAt = nodeNow() + offset;
      const invitationId = await evaluator.sendCaseEvent(`BENCH-${Date.now()}-${i}`);
      toPaint.push((await awaitMark(page, 'rating-painted', invitationId, 25)) - sentAt);
      await page.keyboard.press('5');
      await sleep(100); // leave the page alone while it writes
      const durableAt = await awaitMark(page, 'outcome-durable', invitationId, 50);
      toDurable.push(durableAt - (await awaitMark(page, 'rating-press', invitationId, 50)));
      await page.locator('[data-screen="idle"]').waitFor();
      if (i % 20 === 19) process.stdout.write('.');
    }
    console.log(' done\n');

    const rawStrict = await rawPutBaseline(page, 'strict');
    const rawDefault = await rawPutBaseline(page, 'default');
    await page.close();
    console.log(`clock offset page−node: ${offset.toFixed(2)} ms (applied to case event → paint)`);
    return [
      latencyRow('case event → rating screen painted', toPaint, '≤ 100 ms', 'one display frame = 16.7 ms'),
      latencyRow('press → outcome durable (strict)', toDurable, '≤ 20 ms', 'raw put below'),
      latencyRow('  baseline: raw IndexedDB put, strict', rawStrict, '—', 'same records, same page'),
      latencyRow('  baseline: raw IndexedDB put, default', rawDefault, '—', 'same records, same page'),
    ];
  } finally {
    await evaluator.host.close();
  }
}

function latencyRow(metric: string, sample: number[], target: string, baseline: string): string[] {
  return [metric, String(sample.length), formatMs(percentile(sample, 50)), formatMs(percentile(sample, 95)), target, baseline];
}

async function main(): Promise<void> {
  if (values.only === 'dashboard') {
    printDashboardBench(await benchDashboard(Number(values['dashboard-count']), 30, 5));
    return;
  }
  buildIfStale();
  const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    if (values.only === undefined || values.only === 'rating') {
      const rows = await benchRatingLoop(browser);
      printTable(['metric', 'n', 'p50', 'p95', 'target (p95)', 'baseline'], rows);
      console.log('');
    }
    if (values.only === undefined || values.only === 'serial') {
      const { pressToDurable, roundTrip } = await benchSerial(browser, Number(values.serial));
      printTable(
        ['metric', 'n', 'p50', 'p95', 'target (p95)', 'baseline'],
        [
          latencyRow('serial press → outcome durable (real pty)', pressToDurable, '≤ 30 ms', 'pty round trip below'),
          latencyRow('  baseline: raw pty round trip of the frame', roundTrip, '—', 'same run'),
        ],
      );
      console.log('');
    }
    if (values.only === undefined || values.only === 'drain') {
      const drain = await benchDrain(browser, Number(values.queued), Number(values.baseline), (s) => console.log(`  ${s}…`));
      const rate = drain.queued / (drain.drainMs / 1000);
      const baseRate = drain.baselineCount / (drain.baselineMs / 1000);
      printTable(
        ['metric', 'outcomes', 'time', 'outcomes/s', 'target', 'vs baseline'],
        [
          ['drain queued outcomes to the local intake (batches of 500)', String(drain.queued), `${(drain.drainMs / 1000).toFixed(1)} s`, rate.toFixed(0), '≥ 5,000/s and ≥ 20×', `${(rate / baseRate).toFixed(1)}×`],
          ['  baseline: one request per outcome (Workbox replay)', String(drain.baselineCount), `${(drain.baselineMs / 1000).toFixed(1)} s`, baseRate.toFixed(0), '—', '1×'],
        ],
      );
    }
    if (values.dashboard) {
      console.log('');
      printDashboardBench(await benchDashboard(Number(values['dashboard-count']), 30, 5));
    }
    console.log(`\nChromium ${browser.version()}; ${path.basename(process.execPath)} ${process.version}`);
  } finally {
    await browser.close();
  }
  if (values.only === undefined || values.only === 'lighthouse') {
    console.log('');
    await benchLighthouse();
  }
}

await main();
