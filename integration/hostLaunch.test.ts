import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../scripts/freePort';

const ROOT = path.resolve(import.meta.dirname, '..');

async function waitFor<T>(read: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// The kiosk as host/main.ts starts it, with a stand-in "Chromium" that records the arguments it
// was given (what `ps` would show every user of the machine) and stays up until killed.
describe('kiosk mode keeps the launch secret out of logs and process arguments', () => {
  it('prints no launch link or token, gives the browser only an owner-only launch file, and that file opens the bridge once', { timeout: 60_000 }, async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'host-launch-'));
    const argsFile = path.join(work, 'browser-args.json');
    const fakeBrowser = path.join(work, 'chromium');
    writeFileSync(fakeBrowser, `#!/usr/bin/env node\nrequire('node:fs').writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify(process.argv.slice(2)));\nsetInterval(() => {}, 1000);\n`);
    chmodSync(fakeBrowser, 0o755);
    const dataDir = path.join(work, 'data');
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'host/main.ts', '--config', 'kiosk-config/demo-hall.json', '--device', 'demo-pad-a01', '--port', String(port), '--data', dataDir, '--static=', '--kiosk'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CASE_EVENT_TOKEN: `launch-test-token-${crypto.randomUUID()}`, DISPLAY: ':99', CHROME_PATH: fakeBrowser } },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const args = await waitFor(() => {
        try {
          return JSON.parse(readFileSync(argsFile, 'utf8')) as string[];
        } catch {
          return undefined;
        }
      }, 'the browser to start');
      await waitFor(() => (output.includes('opened kiosk window') ? true : undefined), 'the host to report the kiosk');

      // The browser was given a file: address and nothing secret.
      expect(args).toContain('--kiosk');
      const fileArg = args.find((a) => a.startsWith('file://'));
      expect(fileArg).toBeDefined();
      const launchFile = fileURLToPath(fileArg as string);
      expect(statSync(launchFile).mode & 0o777).toBe(0o600);
      expect(statSync(path.dirname(launchFile)).mode & 0o777).toBe(0o700);
      const launchUrl = /url=([^"]+)"/.exec(readFileSync(launchFile, 'utf8'))?.[1]?.replace(/&amp;/g, '&') ?? '';
      const code = new URL(launchUrl).searchParams.get('code') ?? '';
      expect(launchUrl.startsWith(`http://127.0.0.1:${port}/launch?code=`)).toBe(true);
      expect(code.length).toBeGreaterThanOrEqual(32);

      // Neither the code, nor any launch link or token, is in the log or on a command line.
      for (const text of [output, args.join(' ')]) {
        expect(text).not.toContain(code);
        expect(text).not.toMatch(/token=|code=|\/launch\?/);
      }

      // The launch file's link opens the bridge session once; a copy read later is worthless.
      const first = await fetch(launchUrl, { redirect: 'manual' });
      expect(first.status).toBe(303);
      expect(first.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
      const token = /#token=(.+)$/.exec(first.headers.get('location') ?? '')?.[1] ?? '';
      expect(output).not.toContain(token);
      expect((await fetch(launchUrl, { redirect: 'manual' })).status).toBe(403);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
