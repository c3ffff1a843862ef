import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { StaffDirectorySchema } from '../contract/staffSession';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startIntake } from './server';
import { readProvisionedTokens } from './devices/provisionedTokens';

/**
 * Reference intake: `tsx intake/main.ts --db .data/intake.sqlite --port 8788
 *   --cors http://127.0.0.1:8787 --enrolment-token TOKEN:DEVICE:HALL[:rotate] --admin-token TOKEN
 *   --dashboard-token HALLCODE:TOKEN --app-dir dist
 *   --enrolment-tokens-file provisioned/<hall>/intake-enrolment-tokens.json
 *   --staff-directory staff.json --public-url https://intake.example --trust-proxy 10.0.0.5
 *   --min-app-version 0.2.0 --silent-after-min 10 --queue-stale-hours 4`
 * (--dashboard-token: a hall manager's read-only dashboard credential; --app-dir: the renderer
 * build whose dashboard pages it serves at /dashboard and /display, and whose evaluator page it
 * serves at / for host-less tablets.)
 */
const { values } = parseArgs({
  options: {
    db: { type: 'string', default: '.data/intake.sqlite' },
    port: { type: 'string', default: '8788' },
    cors: { type: 'string', multiple: true, default: [] },
    'enrolment-token': { type: 'string', multiple: true, default: [] },
    /** intake-enrolment-tokens.json written by `npm run provision`. */
    'enrolment-tokens-file': { type: 'string', multiple: true, default: [] },
    'admin-token': { type: 'string' },
    'dashboard-token': { type: 'string', multiple: true, default: [] },
    // The renderer build holding dashboard.html (npm run build), served at /dashboard and /display.
    'app-dir': { type: 'string', default: 'dist' },
    /** JSON list of staff who may confirm pairing codes (contract/staffSession.ts StaffDirectorySchema). */
    'staff-directory': { type: 'string' },
    /** The intake's address as staff phones reach it (for the pairing QR). */
    'public-url': { type: 'string' },
    /** Behind a reverse proxy: the proxy addresses to trust for X-Forwarded-For (limits per address then see the caller). */
    'trust-proxy': { type: 'string' },
    /** Several intake nodes on one database: count the per-address limits there, shared. */
    'shared-rate-limits': { type: 'boolean', default: false },
    /** Devices running an older evaluator build are flagged version-below-minimum in the fleet view. */
    'min-app-version': { type: 'string' },
    /** Minutes without a heartbeat before a device is flagged device-silent (default 10). */
    'silent-after-min': { type: 'string' },
    /** Hours the oldest unsent outcome may wait on a device before queue-stale (default 4). */
    'queue-stale-hours': { type: 'string' },
  },
});
function positiveNumber(option: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${option} wants a positive number, not ${JSON.stringify(text)}`);
  return value;
}
mkdirSync(path.dirname(path.resolve(values.db)), { recursive: true });
const appDir = path.resolve(values['app-dir']);
const hasDashboardApp = existsSync(path.join(appDir, 'dashboard.html'));
if (!hasDashboardApp) console.warn(`no ${path.join(appDir, 'dashboard.html')}: /dashboard and /display are off (run npm run build)`);
if (!existsSync(path.join(appDir, 'index.html'))) console.warn(`no ${path.join(appDir, 'index.html')}: host-less tablets cannot load the evaluator from / (run npm run build)`);
const hasEvaluator = existsSync(path.join(appDir, 'index.html'));
const intake = await startIntake({
  ...(hasDashboardApp ? { dashboardAppDir: appDir } : {}),
  // Host-less tablets load the evaluator from the intake's own address.
  ...(hasEvaluator ? { evaluatorAppDir: appDir } : {}),
  dbFile: values.db,
  port: Number(values.port),
  corsOrigins: values.cors,
  enrolmentTokens: [
    // Every token is bound to one device and its hall (a token for any device was a takeover).
    ...values['enrolment-token'].map((spec) => {
      const [token = '', deviceId = '', hallCode = '', purpose = 'enrol', ...rest] = spec.split(':');
      if (!token || !deviceId || !hallCode || (purpose !== 'enrol' && purpose !== 'rotate') || rest.length > 0) {
        throw new Error('--enrolment-token wants TOKEN:DEVICE:HALL (or TOKEN:DEVICE:HALL:rotate for the key rotation of an enrolled device)');
      }
      return { token, deviceId, hallCode, purpose: purpose as 'enrol' | 'rotate', expiresAtMs: Date.now() + 24 * 3600 * 1000 };
    }),
    ...values['enrolment-tokens-file'].flatMap((file) => readProvisionedTokens(file)),
  ],
  ...(values['admin-token'] ? { adminToken: values['admin-token'] } : {}),
  dashboardTokens: Object.fromEntries(
    values['dashboard-token'].map((spec) => {
      const at = spec.indexOf(':');
      if (at < 1) throw new Error('--dashboard-token wants HALLCODE:TOKEN');
      return [spec.slice(0, at), spec.slice(at + 1)];
    }),
  ),
  ...(values['staff-directory'] ? { staffDirectory: StaffDirectorySchema.parse(JSON.parse(readFileSync(values['staff-directory'], 'utf8'))) } : {}),
  ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
  ...(values['trust-proxy'] ? { trustProxy: values['trust-proxy'] } : {}),
  sharedRateLimits: values['shared-rate-limits'],
  fleet: {
    ...(values['min-app-version'] ? { minAppVersion: values['min-app-version'] } : {}),
    ...(values['silent-after-min'] ? { silentAfterMs: positiveNumber('--silent-after-min', values['silent-after-min']) * 60_000 } : {}),
    ...(values['queue-stale-hours'] ? { queueStaleMs: positiveNumber('--queue-stale-hours', values['queue-stale-hours']) * 3_600_000 } : {}),
  },
});
console.log(`intake listening on ${intake.origin}`);
const shutdown = () => void intake.close().finally(() => process.exit(0));
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
