import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { kioskPolicyWarnings, managedPolicyDir } from './kioskPolicy';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const configured = env.CHROME_PATH;
  if (configured && existsSync(configured)) return configured;
  return CANDIDATES.find((candidate) => existsSync(candidate)) ?? null;
}

export function hasDisplay(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/**
 * Opens the evaluator in Chromium: `kiosk` is the full-screen, no-exit mode for a citizen-facing
 * device; otherwise an app window, handy for demos on a desk. Kiosk mode first checks the
 * Chromium enterprise policy that disables developer tools and the rest (docs/kiosk-browser-policy.md)
 * and warns when it is missing; it opens the kiosk either way.
 */
export function openInChromium(executable: string, url: string, profileDir: string, kiosk: boolean, warn: (message: string) => void = (m) => console.warn(`warning: ${m}`)): ChildProcess {
  if (kiosk) for (const warning of kioskPolicyWarnings({ policyDir: managedPolicyDir(executable), appUrl: url })) warn(warning);
  const args = [
    kiosk ? '--kiosk' : `--app=${url}`,
    ...(kiosk ? [url] : []),
    `--user-data-dir=${profileDir}`,
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--disable-translate',
    '--noerrdialogs',
    '--disable-session-crashed-bubble',
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
  ];
  const child = spawn(executable, args, { stdio: 'ignore', detached: false });
  child.on('error', () => undefined);
  return child;
}
