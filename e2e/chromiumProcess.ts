import { spawn, type ChildProcess } from 'node:child_process';
import { chromium, type Browser } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config';

export interface KillableChromium {
  browser: Browser;
  /** SIGKILL to the whole browser process group: no unload handlers, no clean shutdown. */
  kill(): Promise<void>;
}

/**
 * Starts Debian's Chromium as our own child process (so it can be SIGKILLed like a power cut)
 * and connects Playwright to it over CDP. The profile directory persists IndexedDB across kills.
 */
export async function launchKillableChromium(userDataDir: string): Promise<KillableChromium> {
  const child: ChildProcess = spawn(
    process.env.CHROME_PATH ?? '/usr/bin/chromium',
    [...CHROMIUM_ARGS, '--remote-debugging-port=0', `--user-data-dir=${userDataDir}`, 'about:blank'],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const wsEndpoint = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start: ${seen.slice(-500)}`)), 20_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`Chromium exited with ${code}: ${seen.slice(-500)}`)));
  });
  const browser = await chromium.connectOverCDP(wsEndpoint);
  return {
    browser,
    async kill() {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      await exited;
    },
  };
}
