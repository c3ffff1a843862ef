/**
 * Lighthouse (from npm) against Debian Chromium, on the built app served by the real host:
 * performance and accessibility scores, the tablet-mode (PWA) checks, and the initial JS size.
 * Lighthouse 12 dropped its PWA category, so the PWA checks are asked of Chromium itself
 * (its installability verdict, the manifest it parsed, the service worker and an offline start).
 * Baseline, measured in the same run: an empty page served from the same machine, the floor
 * Lighthouse gives any page here.
 *
 *   npx tsx scripts/benchLighthouse.ts      (also: npm run bench -- --only lighthouse)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { demoHall, launchHost } from '../e2e/fixtures';
import { CHROMIUM_ARGS } from '../playwright.config';
import { buildIfStale } from './buildIfStale';
import { printTable } from './stats';

const ROOT = path.resolve(import.meta.dirname, '..');
const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const INITIAL_JS_TARGET_KB = 150;

export interface InitialJs {
  files: { name: string; gzipBytes: number }[];
  gzipBytes: number;
}

/** The JS the browser must fetch before the first screen: index.html's module script and its modulepreloads. */
export function initialJsSize(distDir = path.join(ROOT, 'dist')): InitialJs {
  const html = readFileSync(path.join(distDir, 'index.html'), 'utf8');
  const srcs = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map((m) => m[1] ?? '');
  const files = [...new Set(srcs)].map((src) => ({
    name: src.replace(/^\//, ''),
    gzipBytes: gzipSync(readFileSync(path.join(distDir, src.replace(/^\//, ''))), { level: 9 }).length,
  }));
  return { files, gzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0) };
}

interface Scores {
  /** Audits below full marks in the accessibility and best-practices categories. */
  failing: string[];
  performance: number;
  accessibility: number;
  bestPractices: number;
  fcpMs: number;
  lcpMs: number;
  tbtMs: number;
}

async function runLighthouse(url: string, port: number): Promise<Scores> {
  const result = await lighthouse(url, { port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility', 'best-practices'] });
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const { categories, audits, runtimeError } = result.lhr;
  if (runtimeError) throw new Error(`Lighthouse: ${runtimeError.code} ${runtimeError.message}`);
  const score = (id: string) => Math.round((categories[id]?.score ?? 0) * 100);
  const ms = (id: string) => audits[id]?.numericValue ?? Number.NaN;
  const failing = ['accessibility', 'best-practices'].flatMap((id) =>
    (categories[id]?.auditRefs ?? [])
      .filter((ref) => ref.weight > 0 && (audits[ref.id]?.score ?? 1) < 1)
      .map((ref) => {
        const items = (audits[ref.id]?.details as { items?: Record<string, unknown>[] } | undefined)?.items ?? [];
        const what = items.map((item) => String(item['issueType'] ?? item['description'] ?? item['url'] ?? '')).filter(Boolean);
        return `${id}: ${ref.id}${what.length > 0 ? ` (${[...new Set(what)].join('; ')})` : ''}`;
      }),
  );
  return {
    failing,
    performance: score('performance'),
    accessibility: score('accessibility'),
    bestPractices: score('best-practices'),
    fcpMs: ms('first-contentful-paint'),
    lcpMs: ms('largest-contentful-paint'),
    tbtMs: ms('total-blocking-time'),
  };
}

interface PwaChecks {
  installabilityErrors: string[];
  manifestIcons: string;
  manifestDisplay: string;
  serviceWorkerControls: boolean;
  offlineStartShowsIdle: boolean;
  persistentStorageRequested: boolean;
}

/** Asks Chromium what it thinks of the app as an installable, offline-capable web app. */
async function pwaChecks(url: string): Promise<PwaChecks> {
  // A real profile: Chromium reports every incognito context as not installable.
  const profile = mkdtempSync(path.join(os.tmpdir(), 'pwa-profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROME_PATH, args: CHROMIUM_ARGS });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    await page.locator('[data-screen="idle"]').waitFor();
    const serviceWorkerControls = await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (navigator.serviceWorker.controller) return true;
      return new Promise<boolean>((resolve) => {
        navigator.serviceWorker.addEventListener('controllerchange', () => resolve(true), { once: true });
        setTimeout(() => resolve(Boolean(navigator.serviceWorker.controller)), 10_000);
      });
    });
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    const { data } = await cdp.send('Page.getAppManifest');
    const manifest = JSON.parse(data ?? '{}') as { icons?: { sizes?: string; purpose?: string }[]; display?: string };
    const persistentStorageRequested = await page.evaluate(() => navigator.storage.persisted());
    await context.setOffline(true);
    await page.reload();
    const offlineStartShowsIdle = await page
      .locator('[data-screen="idle"]')
      .waitFor({ timeout: 10_000 })
      .then(() => true)
      .catch(() => false);
    return {
      installabilityErrors: installabilityErrors.map((e) => e.errorId),
      manifestIcons: (manifest.icons ?? []).map((i) => `${i.sizes ?? '?'}${i.purpose === 'maskable' ? ' maskable' : ''}`).join(', '),
      manifestDisplay: manifest.display ?? '(none)',
      serviceWorkerControls,
      offlineStartShowsIdle,
      persistentStorageRequested,
    };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

function emptyPageServer(): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>empty</title><meta name="description" content="baseline"></head><body><main><h1>Empty page</h1></main></body></html>');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export async function benchLighthouse(): Promise<void> {
  buildIfStale();
  const evaluator = await launchHost(demoHall());
  const baseline = await emptyPageServer();
  const chrome = await chromeLauncher.launch({ chromePath: CHROME_PATH, chromeFlags: CHROMIUM_ARGS.map((f) => (f === '--headless' ? '--headless=new' : f)) });
  try {
    const app = await runLighthouse(evaluator.host.appUrl, chrome.port);
    const empty = await runLighthouse(`http://127.0.0.1:${(baseline.address() as AddressInfo).port}/`, chrome.port);
    const pwa = await pwaChecks(evaluator.host.appUrl);
    const js = initialJsSize();

    console.log('Lighthouse 12 (default mobile config: simulated slow 4G, 4× CPU slowdown) on the built app served by the host');
    printTable(
      ['metric', 'evaluator', 'baseline: empty page, same run', 'target'],
      [
        ['performance score', String(app.performance), String(empty.performance), '—'],
        ['accessibility score', String(app.accessibility), String(empty.accessibility), '100'],
        ['best-practices score', String(app.bestPractices), String(empty.bestPractices), '—'],
        ['first contentful paint', `${app.fcpMs.toFixed(0)} ms`, `${empty.fcpMs.toFixed(0)} ms`, '—'],
        ['largest contentful paint', `${app.lcpMs.toFixed(0)} ms`, `${empty.lcpMs.toFixed(0)} ms`, '—'],
        ['total blocking time', `${app.tbtMs.toFixed(0)} ms`, `${empty.tbtMs.toFixed(0)} ms`, '—'],
        ['initial JS (gzip -9)', `${(js.gzipBytes / 1024).toFixed(1)} kB`, '0 kB', `≤ ${INITIAL_JS_TARGET_KB} kB`],
      ],
    );
    if (app.failing.length > 0) console.log(`audits below full marks: ${app.failing.join(', ')}`);
    console.log('');
    printTable(
      ['tablet-mode (PWA) check, asked of Chromium', 'result'],
      [
        ['installability errors (Page.getInstallabilityErrors)', pwa.installabilityErrors.length === 0 ? 'none: installable' : pwa.installabilityErrors.join(', ')],
        ['manifest display', pwa.manifestDisplay],
        ['manifest icons', pwa.manifestIcons],
        ['service worker controls the page', pwa.serviceWorkerControls ? 'yes' : 'NO'],
        ['offline reload shows the idle screen', pwa.offlineStartShowsIdle ? 'yes' : 'NO'],
        ['persistent storage granted', pwa.persistentStorageRequested ? 'yes' : 'no (Chromium grants it by engagement/install)'],
      ],
    );
    console.log('');
    printTable(
      ['initial JS file', 'gzip'],
      js.files.map((f) => [f.name, `${(f.gzipBytes / 1024).toFixed(1)} kB`]),
    );
    console.log(`\nChromium at ${CHROME_PATH}; ${path.basename(process.execPath)} ${process.version}`);
  } finally {
    chrome.kill();
    baseline.close();
    await evaluator.host.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchLighthouse();
