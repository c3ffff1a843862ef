import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AggregateResponseSchema, HotWordsResponseSchema, PublicDisplayResponseSchema } from '../../contract/dashboard';
import { startIntake, type RunningIntake } from '../server';
import { CALLBACK_PHONE, FIXTURE_NOW, loadDashboardFixture, NON_PUBLIC_COMMENT } from '../testing/dashboardFixture';
import { CSV_HEADER } from '../dashboard/csvExport';

const ADMIN = 'dashboard-test-admin-token-0123456789';
const H1_TOKEN = 'h1-manager-token-0123456789abcdefgh';
const H2_TOKEN = 'h2-manager-token-0123456789abcdefgh';
let running: RunningIntake[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.close()));
  running = [];
});

async function boot(): Promise<RunningIntake> {
  const intake = await startIntake({
    dbFile: path.join(mkdtempSync(path.join(tmpdir(), 'dashboard-routes-')), 'i.sqlite'),
    port: 0,
    corsOrigins: ['http://127.0.0.1:8787'],
    adminToken: ADMIN,
    dashboardTokens: { H1: H1_TOKEN, H2: H2_TOKEN },
    now: () => FIXTURE_NOW,
    log: () => undefined,
  });
  running.push(intake);
  await loadDashboardFixture(intake.store);
  return intake;
}

const get = (intake: RunningIntake, url: string, token?: string) =>
  intake.app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('dashboard routes', () => {
  it('managers read aggregates with the admin token or their own hall token only', async () => {
    const intake = await boot();
    const url = '/v1/dashboard/aggregates?hall=H1&from=2026-11-01&to=2026-11-30&by=dept';
    expect((await get(intake, url)).statusCode).toBe(401);
    expect((await get(intake, url, 'wrong-token')).statusCode).toBe(401);
    const otherHall = await get(intake, url, H2_TOKEN);
    expect(otherHall.statusCode).toBe(403);
    expect(otherHall.json()).toMatchObject({ error: { code: 'wrong_hall' } });
    for (const token of [ADMIN, H1_TOKEN]) {
      const response = await get(intake, url, token);
      expect(response.statusCode).toBe(200);
      const body = AggregateResponseSchema.parse(response.json());
      expect(body.rows.map((r) => [r.key, r.total, r.good, r.bad])).toEqual([
        ['市场监督管理局', 4, 3, 1],
        ['税务局', 4, 1, 1],
      ]);
    }
  });

  it('bad queries get a clear 400 naming the field', async () => {
    const intake = await boot();
    for (const [url, field] of [
      ['/v1/dashboard/aggregates?hall=H1&from=2026-11-30&to=2026-11-01', 'to'],
      ['/v1/dashboard/aggregates?hall=H1&from=2025-01-01&to=2026-11-01', 'to'],
      ['/v1/dashboard/aggregates?hall=H1&from=2026-11-01&to=2026-11-30&by=citizen', 'by'],
      ['/v1/dashboard/aggregates?hall=H1&from=yesterday&to=2026-11-30', 'from'],
      ['/v1/dashboard/hot-words?hall=H1&from=2026-11-01&to=2026-11-30&limit=0', 'limit'],
      ['/v1/public/halls/H1/display?from=2026-11-01', 'to'],
    ] as const) {
      const response = await get(intake, url, ADMIN);
      expect(response.statusCode, url).toBe(400);
      expect(response.json().error.code).toBe('invalid_query');
      expect(response.json().error.issues.map((i: { path: string }) => i.path)).toContain(field);
    }
  });

  it('hot words for managers', async () => {
    const intake = await boot();
    const response = await get(intake, '/v1/dashboard/hot-words?hall=H1&from=2026-11-01&to=2026-11-30&limit=3', H1_TOKEN);
    const body = HotWordsResponseSchema.parse(response.json());
    expect(body.good).toHaveLength(3);
    expect(body.good[0]).toEqual({ word: '效率', count: 2 });
  });

  it('exports a period as CSV (BOM, header, one line per row, formula-safe)', async () => {
    const intake = await boot();
    const response = await get(intake, '/v1/dashboard/export.csv?hall=H1&from=2026-11-01&to=2026-11-30&by=item&bucket=week', ADMIN);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="dashboard-H1-item-week-2026-11-01-2026-11-30.csv"');
    const lines = response.body.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(response.body.startsWith('\uFEFF')).toBe(true);
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    // T1: week of 10-26 (outcome 10) and of 11-02 (1, 2); T2: 11-02; T3: 11-02 and 11-09.
    expect(lines.slice(1).map((l) => l.split(',').slice(4, 11).join(','))).toEqual([
      '2026-10-26,T1,企业设立登记,1,1,1,0',
      '2026-11-02,T1,企业设立登记,2,2,2,0',
      '2026-11-02,T2,企业变更登记,1,1,0,1',
      '2026-11-02,T3,发票申领,1,1,0,1',
      '2026-11-09,T3,发票申领,3,1,1,0',
    ]);
    expect(response.body).not.toContain(CALLBACK_PHONE);
  });

  it('the public display needs no token and holds no names, phones or non-public comments', async () => {
    const intake = await boot();
    const response = await get(intake, '/v1/public/halls/H1/display?from=2026-11-01&to=2026-11-30');
    expect(response.statusCode).toBe(200);
    const body = PublicDisplayResponseSchema.parse(response.json());
    expect(body.totals.total).toBe(8);
    for (const secret of ['张三', '李四', 'zhangsan', 'lisi', CALLBACK_PHONE, '13812345678', NON_PUBLIC_COMMENT, '生硬']) {
      expect(response.body).not.toContain(secret);
    }
  });

  it('serves the dashboard page at /dashboard and /display with a strict CSP, and its assets; off without an app dir', async () => {
    const appDir = mkdtempSync(path.join(tmpdir(), 'dashboard-app-'));
    mkdirSync(path.join(appDir, 'assets'));
    writeFileSync(path.join(appDir, 'dashboard.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(path.join(appDir, 'assets', 'dashboard-abc.js'), 'console.log(1)');
    writeFileSync(path.join(appDir, 'index.html'), 'the kiosk page');
    const intake = await startIntake({ dbFile: path.join(appDir, 'i.sqlite'), port: 0, corsOrigins: [], dashboardAppDir: appDir, log: () => undefined });
    running.push(intake);
    for (const page of ['/dashboard', '/display?hall=H1']) {
      const response = await get(intake, page);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.body).toContain('<div id="root">');
    }
    expect((await get(intake, '/assets/dashboard-abc.js')).body).toBe('console.log(1)');
    // Only the dashboard page and its assets: not the kiosk's page, nor the database beside them.
    expect((await get(intake, '/index.html')).statusCode).toBe(404);
    expect((await get(intake, '/assets/../i.sqlite')).statusCode).toBe(404);
    expect((await get(await boot(), '/dashboard')).statusCode).toBe(404);
  });
});
