import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Electronegativity over electron/, offline (the Electron version is given, not fetched).
 * Fails on any finding at medium severity or above; lower ones are printed.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const electronVersion = (JSON.parse(readFileSync(path.join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
const out = path.join(mkdtempSync(path.join(tmpdir(), 'eneg-')), 'report.sarif');
const run = spawnSync(path.join(ROOT, 'node_modules/.bin/electronegativity'), ['-i', 'electron', '-e', electronVersion, '-r', '-o', out], {
  cwd: ROOT,
  encoding: 'utf8',
});
if (run.status !== 0) {
  console.error(run.stdout, run.stderr);
  process.exit(1);
}
interface SarifResult {
  ruleId: string;
  level: 'none' | 'note' | 'warning' | 'error';
  message: { text: string };
  locations?: Array<{ physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } } }>;
}
const results = (JSON.parse(readFileSync(out, 'utf8')) as { runs: Array<{ results: SarifResult[] }> }).runs.flatMap((r) => r.results);
for (const result of results) {
  const where = result.locations?.[0]?.physicalLocation;
  console.log(`${result.level.padEnd(7)} ${result.ruleId} ${where?.artifactLocation?.uri ?? ''}:${where?.region?.startLine ?? ''} ${result.message.text}`);
}
const serious = results.filter((r) => r.level === 'warning' || r.level === 'error');
console.log(`electronegativity (Electron ${electronVersion}): ${serious.length} finding(s) at medium or above, ${results.length - serious.length} lower`);
process.exit(serious.length === 0 ? 0 : 1);
