import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startIntake, type RunningIntake } from '../server';

const running: RunningIntake[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((i) => i.close()));
});

/** A stand-in for the renderer build: the evaluator page, its service worker, an asset, the dashboard. */
function build(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'evaluator-app-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="root">evaluator</div>');
  writeFileSync(path.join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  writeFileSync(path.join(dir, 'manifest.webmanifest'), '{"name":"好差评"}');
  writeFileSync(path.join(dir, 'dashboard.html'), '<!doctype html><div id="root">dashboard</div>');
  writeFileSync(path.join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  return dir;
}

async function boot(options: { evaluator: boolean }) {
  const dir = build();
  const intake = await startIntake({
    dbFile: path.join(mkdtempSync(path.join(tmpdir(), 'evaluator-db-')), 'i.sqlite'),
    port: 0,
    corsOrigins: [],
    dashboardAppDir: dir,
    ...(options.evaluator ? { evaluatorAppDir: dir } : {}),
    log: () => undefined,
  });
  running.push(intake);
  return (url: string) => intake.app.inject({ method: 'GET', url });
}

// Issue 21: a host-less tablet needs only the intake's address; nothing else serves the page.
describe('the evaluator page for host-less tablets', () => {
  it('is served at / with the renderer policy, its service worker and assets fresh or cached as they should be', async () => {
    const get = await boot({ evaluator: true });
    const page = await get('/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('evaluator');
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toBe(
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    );
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const worker = await get('/sw.js');
    expect(worker.statusCode).toBe(200);
    expect(worker.headers['content-type']).toContain('javascript');
    expect(worker.headers['cache-control']).toBe('no-cache');
    expect((await get('/manifest.webmanifest')).statusCode).toBe(200);
    expect((await get('/assets/index-abc.js')).body).toBe('console.log(1)');
    // The API and the dashboard pages are still theirs; unknown paths and escapes are 404.
    expect((await get('/v1/health')).json()).toEqual({ ok: true });
    expect((await get('/dashboard')).body).toContain('dashboard');
    expect((await get('/v1/nothing-here')).json()).toMatchObject({ error: { code: 'not_found' } });
    expect((await get('/../i.sqlite')).statusCode).toBe(404);
    expect((await get('/%2e%2e/package.json')).statusCode).toBe(404);
  });

  it('is off unless asked for', async () => {
    const get = await boot({ evaluator: false });
    expect((await get('/')).statusCode).toBe(404);
    expect((await get('/sw.js')).statusCode).toBe(404);
  });
});
