import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newDeviceKey } from '../testing/signedOutcomes';
import { signedHeaders } from '../testing/signedRequests';
import { bootIntake, closeAll } from './securityHarness';

afterEach(closeAll);

/** A stand-in for the renderer build: the dashboard page and one asset. */
function appDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'security-app-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'dashboard.html'), '<!doctype html><title>dashboard</title>');
  writeFileSync(path.join(dir, 'assets', 'dashboard-x.js'), 'void 0;');
  return dir;
}

// Finding: /pair (the staff password form) and /admin could be framed by any site and had no
// nosniff; the pairing link was built from the Host header when no public URL was configured.
describe('security headers', () => {
  it('every HTML page refuses framing, sniffing and referrers', async () => {
    const intake = await bootIntake({ dashboardAppDir: appDir() });
    for (const url of ['/pair', '/admin', '/dashboard', '/display']) {
      const page = await intake.app.inject({ method: 'GET', url });
      expect([url, page.statusCode]).toEqual([url, 200]);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('API answers, scripts and errors carry nosniff too', async () => {
    const intake = await bootIntake({ dashboardAppDir: appDir() });
    for (const url of ['/v1/health', '/pair/pair.js', '/admin/admin.js', '/assets/dashboard-x.js', '/v1/nothing-here']) {
      const response = await intake.app.inject({ method: 'GET', url });
      expect([url, response.headers['x-content-type-options']]).toEqual([url, 'nosniff']);
    }
  });
});

describe('links shown to staff', () => {
  it('the pairing link uses the intake\'s own address, never the Host header a caller sends', async () => {
    const token = 'token-for-dev-1-aaaaaaaaaaaaaaaa';
    const intake = await bootIntake({ enrolmentTokens: [{ token, deviceId: 'dev-1', hallCode: 'h1', expiresAtMs: Date.now() + 60_000 }] });
    const key = newDeviceKey();
    expect((await intake.app.inject({ method: 'POST', url: '/v1/devices', payload: { enrolmentToken: token, deviceId: 'dev-1', publicKey: key.x } })).statusCode).toBe(201);
    const url = '/v1/devices/dev-1/pairing-codes';
    const issued = await intake.app.inject({
      method: 'POST',
      url,
      headers: { host: 'phish.example', 'content-type': 'application/json', ...signedHeaders({ deviceId: 'dev-1', privateKey: key.privateKey }, 'POST', url, '{}') },
      payload: '{}',
    });
    expect(issued.statusCode).toBe(201);
    expect(new URL(issued.json().confirmUrl).origin).toBe(intake.origin);
  });
});
