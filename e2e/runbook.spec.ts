import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { freePort } from '../scripts/freePort';
import { expect, test } from './fixtures';

/**
 * Issue 21: docs/hall-setup.md followed by its own commands, so the runbook cannot rot. Its
 * `sh runbook` blocks run in order in one bash (as an IT person's terminal: variables carry over),
 * `sh runbook:background` blocks are started beside it (a second terminal), the settings block is
 * replaced by this test's addresses, and the `<!-- runbook:… -->` marks are where a person works on
 * the tablet or a phone, done here in Chromium. It ends with a rating stored at the intake.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const DOC = path.join(ROOT, 'docs/hall-setup.md');

type Step = { kind: 'settings'; text: string } | { kind: 'run'; text: string } | { kind: 'background'; text: string } | { kind: 'ui'; name: string };

/** The runbook's steps in the order the page gives them. */
function runbookSteps(markdown: string): Step[] {
  const steps: Step[] = [];
  const pattern = /^```sh (runbook(?::settings|:background)?)\n([\s\S]*?)^```$|^<!-- runbook:([a-z-]+) -->$/gm;
  for (const match of markdown.matchAll(pattern)) {
    if (match[3]) steps.push({ kind: 'ui', name: match[3] });
    else steps.push({ kind: match[1] === 'runbook:settings' ? 'settings' : match[1] === 'runbook:background' ? 'background' : 'run', text: match[2]! } as Step);
  }
  return steps;
}

/** A fresh copy of the repository to run in: the code linked, the hall configs copied (the runbook writes one). */
function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'runbook-'));
  const skip = new Set(['.git', '.data', 'kiosk-config', 'provisioned', 'intake-data', 'test-results', 'playwright-report']);
  for (const entry of readdirSync(ROOT)) if (!skip.has(entry)) symlinkSync(path.join(ROOT, entry), path.join(dir, entry));
  cpSync(path.join(ROOT, 'kiosk-config'), path.join(dir, 'kiosk-config'), { recursive: true });
  return dir;
}

/** One bash, kept open like a terminal: each block's output, or its failure with the output so far. */
function terminal(cwd: string) {
  // As a terminal would be: no colour forced by the test runner.
  const { FORCE_COLOR: _colour, ...env } = process.env;
  const shell: ChildProcessWithoutNullStreams = spawn('bash', ['--noprofile', '--norc'], { cwd, env });
  let output = '';
  shell.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  shell.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  shell.stdin.write('set -eo pipefail\n');
  let n = 0;
  return {
    async run(block: string, timeoutMs = 180_000): Promise<string> {
      const marker = `__runbook_block_${++n}_done__`;
      const from = output.length;
      shell.stdin.write(`${block}\necho ${marker}\n`);
      const started = Date.now();
      while (!output.includes(marker, from)) {
        if (shell.exitCode !== null) throw new Error(`the runbook block failed (exit ${shell.exitCode}):\n${block}\n--- output ---\n${output.slice(from)}`);
        if (Date.now() - started > timeoutMs) throw new Error(`the runbook block did not finish in ${timeoutMs} ms:\n${block}\n--- output ---\n${output.slice(from)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return output.slice(from, output.indexOf(marker, from));
    },
    close: () => shell.kill('SIGKILL'),
  };
}

test('docs/hall-setup.md, followed by its own commands, takes a host-less tablet to its first rating at the intake', async ({ page, browser }) => {
  test.setTimeout(300_000);
  const steps = runbookSteps(readFileSync(DOC, 'utf8'));
  // The page's shape: the test depends on it, so a rewrite that drops a step fails here first.
  expect(steps.filter((s) => s.kind === 'ui').map((s) => (s.kind === 'ui' ? s.name : ''))).toEqual(['tablet-setup', 'pair', 'rate']);
  expect(steps.filter((s) => s.kind === 'settings')).toHaveLength(1);

  const dir = workspace();
  const port = await freePort();
  const intakeUrl = `http://127.0.0.1:${port}`;
  const shell = terminal(dir);
  const background: number[] = [];
  const timings: Array<[string, number]> = [];
  const timed = async <T,>(label: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await work();
    } finally {
      timings.push([label, Date.now() - started]);
    }
  };
  const env = async (name: string) => (await shell.run(`printf '%s' "$${name}"`)).trim();

  const ui: Record<string, (page: Page) => Promise<void>> = {
    'tablet-setup': async (tablet) => {
      await tablet.goto(intakeUrl);
      const setup = tablet.locator('[data-screen="setup"]');
      await expect(setup).toBeVisible();
      await setup.getByLabel('设备配置包').setInputFiles(path.join(dir, await env('OUT'), 'devices/xihu-tablet-03/hall.json'));
      await expect(setup.locator('[data-setup-device="xihu-tablet-03"]')).toContainText('综合咨询窗口');
      await setup.getByRole('button', { name: '使用此配置' }).click();
      await expect(tablet.locator('.hall-name')).toHaveText('西湖区行政服务中心');
    },
    pair: async (tablet) => {
      const codeShown = tablet.locator('[data-pairing-code]');
      await expect(codeShown).toBeVisible({ timeout: 30_000 });
      const phone = await browser.newPage({ viewport: { width: 360, height: 640 }, hasTouch: true, isMobile: true });
      await phone.goto(`${intakeUrl}/pair?code=${await codeShown.getAttribute('data-pairing-code')}`);
      await phone.locator('#loginName').fill('zhangsan');
      await phone.locator('#password').fill('zhangsan-demo');
      await phone.getByRole('button', { name: /Confirm/ }).click();
      await expect(phone.getByRole('status')).toContainText('张三');
      await phone.close();
      await expect(tablet.locator('.staff-card[data-staff="zhangsan"]')).toBeVisible({ timeout: 15_000 });
    },
    rate: async (tablet) => {
      const rating = tablet.locator('[data-screen="rating"]');
      await expect(rating).toBeVisible({ timeout: 20_000 });
      await rating.getByRole('button', { name: /^非常满意/ }).click();
      await expect(tablet.locator('[data-screen="thanks"]')).toBeVisible();
    },
  };

  try {
    for (const step of steps) {
      if (step.kind === 'settings') {
        // This test's own settings, in place of the page's example addresses.
        const names = [...step.text.matchAll(/^export (\w+)=/gm)].map((m) => m[1]);
        expect(names).toEqual(['HALL_FILE', 'OUT', 'INTAKE_PORT', 'INTAKE_URL']);
        await shell.run(`export HALL_FILE=kiosk-config/my-hall.json OUT=provisioned/my-hall INTAKE_PORT=${port} INTAKE_URL=${intakeUrl}`);
      } else if (step.kind === 'run') {
        const output = await timed(step.text.split('\n')[0]!.slice(0, 60), () => shell.run(step.text));
        if (step.text.includes('/v1/admin/outcomes')) expect(output).toMatch(/^1 rating\(s\) at the intake$/m);
      } else if (step.kind === 'background') {
        const file = path.join(dir, `.runbook-background-${background.length}.sh`);
        writeFileSync(file, step.text);
        // Its own process group, so the whole npm → tsx → node chain stops at the end.
        background.push(Number((await shell.run(`setsid bash ${file} > ${file}.log 2>&1 & echo $!`)).trim()));
      } else {
        const action = ui[step.name];
        if (!action) throw new Error(`no Chromium action for the runbook mark ${step.name}`);
        await timed(`(in Chromium) ${step.name}`, () => action(page));
      }
    }
  } finally {
    for (const pid of background) {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
    shell.close();
    console.log(['runbook step timings:', ...timings.map(([label, ms]) => `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${label}`)].join('\n'));
    rmSync(dir, { recursive: true, force: true });
  }
});
