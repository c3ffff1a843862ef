import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startIntake } from '../intake/intakeServer';
import { buildIfStale } from './buildIfStale';

/**
 * `npm start`: the whole evaluator on the embedded demo hall — the renderer (built if needed),
 * the reference intake on SQLite (.data/intake.sqlite) and the host, wired together.
 * `-- --no-intake` runs the host alone; every other flag goes to the host (see host/main.ts).
 */
const { values } = parseArgs({ options: { 'no-intake': { type: 'boolean', default: false }, 'intake-port': { type: 'string', default: '8788' } }, strict: false });
buildIfStale();

if (!values['no-intake']) {
  mkdirSync('.data', { recursive: true });
  // A fresh single-use token each launch: a device that is already enrolled simply ignores it.
  const enrolmentToken = randomBytes(18).toString('base64url');
  const intake = await startIntake({
    dbFile: '.data/intake.sqlite',
    port: Number(values['intake-port']),
    corsOrigins: ['http://127.0.0.1:*', 'http://localhost:*'],
    enrolmentTokens: [{ token: enrolmentToken, expiresAtMs: Date.now() + 24 * 3600 * 1000 }],
  });
  console.log(`reference intake: ${intake.origin} (SQLite .data/intake.sqlite)`);
  process.argv.push('--intake-url', intake.origin, '--enrolment-token', enrolmentToken);
}
// The host parses the rest of the command line: hand it only its own flags.
process.argv = process.argv.filter((arg, i, all) => arg !== '--no-intake' && !arg.startsWith('--intake-port') && all[i - 1] !== '--intake-port');
await import('../host/main');
