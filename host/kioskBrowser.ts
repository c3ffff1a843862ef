import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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
 * Writes the page that hands the browser its one-time launch link: an owner-only file in an
 * owner-only folder, so the link is on no command line (`ps` shows every user the arguments) and
 * in no log. Returns its file: URL, the only thing the browser is given.
 */
export function writeLaunchFile(dir: string, launchUrl: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  // One per host port: two hosts of one PC (two windows' devices) never take each other's file.
  const file = path.join(dir, `launch-${new URL(launchUrl).port || '80'}.html`);
  rmSync(file, { force: true });
  const target = launchUrl.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  writeFileSync(file, `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer"><meta http-equiv="refresh" content="0;url=${target}"><title>好差评</title>\n`, { mode: 0o600 });
  return pathToFileURL(file).href;
}

/**
 * Where the launch file goes: the user's runtime folder (/run/user/<uid>, owner-only, emptied at
 * logout), which the shipped kiosk policy allows (file:///run/user/); else the data folder, for
 * which the policy check names the filter to add.
 */
export function launchDir(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.XDG_RUNTIME_DIR ? path.join(env.XDG_RUNTIME_DIR, 'haochaping') : path.join(dataDir, 'launch');
}

/**
 * Opens the evaluator in Chromium: `kiosk` is the full-screen, no-exit mode for a citizen-facing
 * device; otherwise an app window, handy for demos on a desk. The browser is given only the
 * launch file's address (writeLaunchFile), never the launch link. Kiosk mode first checks the
 * Chromium enterprise policy that disables developer tools and the rest (docs/kiosk-browser-policy.md)
 * and warns when it is missing; it opens the kiosk either way.
 */
export function openInChromium(
  executable: string,
  launch: { origin: string; launchUrl: string },
  profileDir: string,
  kiosk: boolean,
  warn: (message: string) => void = (m) => console.warn(`warning: ${m}`),
): ChildProcess {
  const launchFile = writeLaunchFile(launchDir(path.dirname(profileDir)), launch.launchUrl);
  if (kiosk) for (const warning of kioskPolicyWarnings({ policyDir: managedPolicyDir(executable), appUrl: launch.origin, launchFileUrl: launchFile })) warn(warning);
  const args = [
    kiosk ? '--kiosk' : `--app=${launchFile}`,
    ...(kiosk ? [launchFile] : []),
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
