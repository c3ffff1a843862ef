import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * `npm test`: every suite in one go — type checks, lint, unit tests (Vitest), the renderer
 * build and end-to-end tests (Playwright in Debian Chromium) — ending with one line
 * `N passed, N failed` over all of them. Type check, lint and build count as one test each.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const RESULTS = path.join(ROOT, 'test-results');
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);

let passed = 0;
let failed = 0;
const summary: string[] = [];

function run(label: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): boolean {
  console.log(`\n▶ ${label}`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

function check(label: string, ok: boolean): void {
  if (ok) passed++;
  else failed++;
  summary.push(`${ok ? 'ok  ' : 'FAIL'} ${label}`);
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

rmSync(RESULTS, { recursive: true, force: true });
mkdirSync(RESULTS, { recursive: true });

check('typecheck (renderer, node, electron)', run('typecheck', 'npm', ['run', '--silent', 'typecheck']));
check('lint', run('lint', bin('eslint'), ['.']));
check('openapi lint (redocly)', run('openapi lint (redocly)', bin('redocly'), ['lint', '--format=stylish', 'intake/openapi.yaml'], { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_NOTIFICATIONS: 'true' }));
check('electronegativity (electron/)', run('electronegativity', bin('tsx'), ['scripts/electronegativity.ts']));

const unitFile = path.join(RESULTS, 'unit.json');
const unitOk = run('unit tests (vitest)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${unitFile}`]);
const unit = readJson<{ numPassedTests: number; numFailedTests: number; numPendingTests?: number; numTodoTests?: number }>(unitFile);
if (unit) {
  // A test that did not run is no pass: a suite whose setup failed (a PostgreSQL that cannot be
  // reached) reports its tests as skipped, and a skipIf on a missing package skips them too.
  const unrun = (unit.numPendingTests ?? 0) + (unit.numTodoTests ?? 0);
  passed += unit.numPassedTests;
  failed += unit.numFailedTests + unrun;
  summary.push(`${unit.numFailedTests + unrun ? 'FAIL' : 'ok  '} unit: ${unit.numPassedTests} passed, ${unit.numFailedTests} failed, ${unrun} not run (counted as failed)`);
}
if (!unit || (!unitOk && unit.numFailedTests === 0)) check('unit suite ran to completion', false);

const built = run('renderer build', bin('vite'), ['build', '--logLevel', 'warn']);
check('renderer build', built);

if (built) {
  const e2eFile = path.join(RESULTS, 'e2e.json');
  const e2eOk = run('end-to-end tests (playwright)', bin('playwright'), ['test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: e2eFile,
  });
  const e2e = existsSync(e2eFile) ? readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped?: number } }>(e2eFile) : null;
  if (e2e) {
    const bad = e2e.stats.unexpected + e2e.stats.flaky + (e2e.stats.skipped ?? 0);
    passed += e2e.stats.expected;
    failed += bad;
    summary.push(`${bad ? 'FAIL' : 'ok  '} e2e: ${e2e.stats.expected} passed, ${bad} failed (flaky and skipped count as failed)`);
  }
  if (!e2e || (!e2eOk && e2e.stats.unexpected === 0)) check('e2e suite ran to completion', false);
}

console.log(`\n${summary.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
