import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { parseCommandLine } from '../shared-node/commandLine';

/**
 * `npm run bench`: the rating loop's latencies in real Chromium against the real host.
 *   case event → rating screen painted: from just before the POST to the first painted frame.
 *   press → press record durable: from the press reaching the app (rating-press) to the outbox
 *   transaction committing (outcome-durable), for 非常满意 (thanks next) and for 差评 (the
 *   details screen next), each with the recorder's stages: → record-read → record-sealed → durable.
 * Baseline, measured in the same run and page: a raw IndexedDB put of the same records with the
 * same (strict) durability, and with the browser's default durability.
 * `--only queued` (scripts/benchQueued.ts): the same presses with a million outcomes queued unsent.
 * `--only forward` (scripts/benchForward.ts): 10,000 ratings forwarded to the mock province.
 * `--only ingest` (scripts/benchIngest.ts): signed batches of 1,000 devices posted to an intake
 * node, beside the Ed25519 checks per second of the same cores.
 */
const HELP = `Usage: npm run bench -- [options]

Measures against the targets of the design (docs/ and ../shared/design.md), each beside a named
baseline measured in the same run, and prints a table per section. Without --only: the rating
loop, serial presses, the drain, the pairing load and Lighthouse.

Options:
  --only SECTION          one section: rating | serial | drain | queued | dashboard | pairing-load |
                          forward | ingest | lighthouse
  --count N               presses of 非常满意 (default 200)
  --bad-count N           presses of 非常不满意, each through the details screen (default 100)
  --serial N              serial presses over a real pty (default 100)
  --queued N              outcomes queued for the drain (default 100000)
  --baseline N            outcomes sent one request each for the drain baseline (default 2000)
  --queue-size N          outcomes queued unsent for --only queued (default 1000000)
  --dashboard             add the dashboard section (a million outcomes: minutes)
  --dashboard-count N     outcomes of the dashboard section (default 1000000)
  --forward-count N       ratings forwarded to the mock province (default 10000)
  --forward-limit N       concurrent calls to the province (default 4)
  --ingest-devices N      devices posting signed batches (default 1000)
  --ingest-per-device N   outcomes in each device's batch (default 20)
  --ingest-in-flight L    the intake's batches in flight, one run each (default 8)
  --ingest-engines L      sqlite, postgres or both (default sqlite,postgres; postgres runs 1 and 2 nodes)
  -h, --help              this text`;

const { values } = parseCommandLine(HELP, {
  options: {
    count: { type: 'string', default: '200' },
    // 差评 presses: each opens the details screen, submitted empty (about 2 s per invitation).
    'bad-count': { type: 'string', default: '100' },
    // press → durable with this many outcomes queued unsent: only on request (--only queued).
    'queue-size': { type: 'string', default: '1000000' },
    queued: { type: 'string', default: '100000' },
    baseline: { type: 'string', default: '2000' },
    serial: { type: 'string', default: '100' },
    only: { type: 'string' },
    // The dashboard section generates a million outcomes (minutes): only on request.
    dashboard: { type: 'boolean', default: false },
    'dashboard-count': { type: 'string', default: '1000000' },
    // --only forward (issue 22): ratings forwarded to the mock province, and the concurrency limit compared with 1.
    'forward-count': { type: 'string', default: '10000' },
    // --only ingest (issue 25): devices, outcomes in each device's batch, batches in flight.
    'ingest-devices': { type: 'string', default: '1000' },
    'ingest-per-device': { type: 'string', default: '20' },
    'ingest-in-flight': { type: 'string', default: '8' },
    'ingest-engines': { type: 'string', default: 'sqlite,postgres' },
    'forward-limit': { type: 'string', default: '4' },
  },
});
// Loaded once the command line is read: --help and a mistyped option answer at once, without
// first loading Playwright, Lighthouse and the host (about 7 s here).
const { chromium } = await import('@playwright/test');
const { CHROMIUM_ARGS } = await import('../playwright.config');
const { demoHall, launchHost } = await import('../e2e/fixtures');
const { buildIfStale } = await import('./buildIfStale');
const { benchLighthouse } = await import('./benchLighthouse');
const { benchNoisyPress, benchSerial } = await import('./benchSerial');
const { latencyRow, pressRows, runPressSeries } = await import('./benchPresses');
const { benchQueued, printQueuedBench } = await import('./benchQueued');
const { clockOffset } = await import('./pageMarks');
const { printTable } = await import('./stats');
const COUNT = Number(values.count);
const BAD_COUNT = Number(values['bad-count']);


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
    const clockOffsetMs = await clockOffset(page);

    const good = await runPressSeries(page, evaluator, { count: COUNT, key: '5', clockOffset: clockOffsetMs, label: '非常满意 (key 5)' });
    const bad = await runPressSeries(page, evaluator, { count: BAD_COUNT, key: '1', clockOffset: clockOffsetMs, label: '非常不满意 (key 1)' });
    console.log('');

    const rawStrict = await rawPutBaseline(page, 'strict');
    const rawDefault = await rawPutBaseline(page, 'default');
    await page.close();
    console.log(`clock offset page−node: ${clockOffsetMs.toFixed(2)} ms (applied to case event → paint)`);
    return [
      latencyRow('case event → rating screen painted', good.toPaint, '≤ 100 ms', 'one display frame = 16.7 ms'),
      ...pressRows('press → press record durable (strict)', good, '≤ 20 ms', 'raw put below'),
      ...pressRows('差评 press (非常不满意) → press record durable (strict)', bad, '≤ 20 ms', 'raw put below'),
      latencyRow('  baseline: raw IndexedDB put, strict', rawStrict, '—', 'same records, same page'),
      latencyRow('  baseline: raw IndexedDB put, default', rawDefault, '—', 'same records, same page'),
    ];
  } finally {
    await evaluator.host.close();
  }
}

// The intake-side sections load the intake only when they run: a section that needs no intake
// does not depend on it.
async function dashboardSection(): Promise<void> {
  const { benchDashboard, printDashboardBench } = await import('./benchDashboard');
  // On both engines (issue 25): SQLite, then PostgreSQL over a copy of the same rows.
  printDashboardBench(await benchDashboard(Number(values['dashboard-count']), 30, 5, console.log, { postgres: true }));
}

/** Issue 18: /v1/health under 200 concurrent wrong pairing attempts (scripts/benchPairingLoad.ts). */
async function pairingLoadSection(): Promise<void> {
  const { benchPairingLoad, printPairingLoadBench } = await import('./benchPairingLoad');
  printPairingLoadBench(await benchPairingLoad(200));
}

async function main(): Promise<void> {
  if (values.only === 'dashboard') {
    await dashboardSection();
    return;
  }
  if (values.only === 'pairing-load') {
    await pairingLoadSection();
    return;
  }
  if (values.only === 'ingest') {
    const { benchIngest, printIngestBench } = await import('./benchIngest');
    const inFlight = values['ingest-in-flight'].split(',').map(Number);
    const engines = values['ingest-engines'].split(',').filter((e): e is 'sqlite' | 'postgres' => e === 'sqlite' || e === 'postgres');
    const result = await benchIngest(Number(values['ingest-devices']), Number(values['ingest-per-device']), inFlight, (s) => console.log(`  ${s}…`), engines);
    printIngestBench(result.ceilings, result.runs);
    return;
  }
  if (values.only === 'forward') {
    const { benchForward, printForwardBench } = await import('./benchForward');
    printForwardBench(await benchForward(Number(values['forward-count']), Number(values['forward-limit']), (s) => console.log(`  ${s}`)));
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
      const noisy = await benchNoisyPress(Math.min(100, Number(values.serial)));
      printTable(
        ['metric', 'n', 'p50', 'p95', 'target (p95)', 'baseline'],
        [
          latencyRow('serial press after noise 55 AA 01 02 07 40 → driver hands it on (real pty)', noisy.afterNoise, '≤ 100 ms', 'was ~7 s (issue 19)'),
          latencyRow('  baseline: the same press without noise', noisy.clean, '—', 'same run'),
        ],
      );
      console.log('');
    }
    if (values.only === undefined || values.only === 'drain') {
      const { benchDrain } = await import('./benchDrain');
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
    // Seeding a million outcomes and two press series take well over the few minutes the default
    // run may add: only on request.
    if (values.only === 'queued') {
      printQueuedBench(await benchQueued(browser, Number(values['queue-size']), COUNT, (s) => console.log(s)));
    }
    if (values.only === undefined) {
      console.log('');
      await pairingLoadSection();
    }
    if (values.dashboard) {
      console.log('');
      await dashboardSection();
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
