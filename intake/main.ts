import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { StaffDirectorySchema } from '../contract/staffSession';
import { readCaseEventTokenHashes, readProvisionedTokens } from './devices/provisionedTokens';
import { INTAKE_HELP, resolveIntakeConfig, UsageError, type ResolvedIntakeConfig } from './intakeConfig';
import { startIntake, type IntakeOptions } from './server';
import { isDatabaseSetupError, isDatabaseUnavailable } from './store/unavailable';

/**
 * Reference intake: `npm run intake -- --config intake.json` (settings and, in an owner-only
 * file, secrets), or options for settings with secrets in the environment; `--help` lists them
 * (intake/intakeConfig.ts). It serves the evaluator at / for host-less tablets and the dashboard
 * pages at /dashboard and /display from the renderer build (--app-dir, default dist).
 */
let resolved: ResolvedIntakeConfig;
try {
  resolved = resolveIntakeConfig(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`intake: ${error.message}\n\n${INTAKE_HELP}`);
  process.exit(2);
}
if (resolved.help) {
  console.log(INTAKE_HELP);
  process.exit(0);
}
const { config } = resolved;
const db = config.db ?? '.data/intake.sqlite';
// The database holds every rating and the abuse counters: owner-only, its WAL and shared-memory
// files included (SQLite creates those later, under this process's umask).
process.umask(0o077);
mkdirSync(path.dirname(path.resolve(db)), { recursive: true, mode: 0o700 });
for (const file of [db, `${db}-wal`, `${db}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
const appDir = path.resolve(config.appDir ?? 'dist');
const hasDashboardApp = existsSync(path.join(appDir, 'dashboard.html'));
const hasEvaluator = existsSync(path.join(appDir, 'index.html'));
if (!hasDashboardApp) console.warn(`no ${path.join(appDir, 'dashboard.html')}: /dashboard and /display are off (run npm run build)`);
if (!hasEvaluator) console.warn(`no ${path.join(appDir, 'index.html')}: host-less tablets cannot load the evaluator from / (run npm run build)`);

const options: IntakeOptions = {
  ...(hasDashboardApp ? { dashboardAppDir: appDir } : {}),
  // Host-less tablets load the evaluator from the intake's own address.
  ...(hasEvaluator ? { evaluatorAppDir: appDir } : {}),
  dbFile: db,
  ...(config.host ? { host: config.host } : {}),
  port: config.port ?? 8788,
  corsOrigins: config.cors ?? [],
  enrolmentTokens: [
    // Every token is bound to one device and its hall (a token for any device was a takeover).
    ...resolved.enrolmentTokenSpecs.map((spec) => {
      const [token = '', deviceId = '', hallCode = '', purpose = 'enrol', ...rest] = spec.split(':');
      if (!token || !deviceId || !hallCode || (purpose !== 'enrol' && purpose !== 'rotate') || rest.length > 0) {
        console.error('intake: --enrolment-token wants TOKEN:DEVICE:HALL (or TOKEN:DEVICE:HALL:rotate for the key rotation of an enrolled device)');
        process.exit(2);
      }
      return { token, deviceId, hallCode, purpose: purpose as 'enrol' | 'rotate', expiresAtMs: Date.now() + 24 * 3600 * 1000 };
    }),
    ...(config.enrolmentTokensFiles ?? []).flatMap((file) => readProvisionedTokens(file)),
  ],
  ...(config.adminToken ? { adminToken: config.adminToken } : {}),
  dashboardTokens: config.dashboardTokens ?? {},
  ...(config.caseEventTokens ? { caseEventTokens: config.caseEventTokens } : {}),
  caseEventTokenHashes: Object.assign({}, ...(config.caseEventTokensFiles ?? []).map((file) => readCaseEventTokenHashes(file))) as Record<string, string>,
  ...(config.staffDirectory ? { staffDirectory: StaffDirectorySchema.parse(JSON.parse(readFileSync(config.staffDirectory, 'utf8'))) } : {}),
  ...(config.people ? { people: config.people } : {}),
  ...(config.dispatchers ? { dispatchers: config.dispatchers } : {}),
  ...(config.sessionKey ? { sessionKey: Buffer.from(config.sessionKey, 'hex') } : {}),
  ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
  ...(config.phone
    ? {
        phone: {
          ...(config.phone.linkWorkingDays ? { linkWorkingDays: config.phone.linkWorkingDays } : {}),
          ...(config.phone.smsOutboxFile ? { smsOutboxFile: config.phone.smsOutboxFile } : {}),
          windowLimits: {
            ...(config.phone.windowRatingsPerAddressPerHour ? { perAddressPerHour: config.phone.windowRatingsPerAddressPerHour } : {}),
            ...(config.phone.windowRatingsPerWindowPerHour ? { perWindowPerHour: config.phone.windowRatingsPerWindowPerHour } : {}),
          },
        },
      }
    : {}),
  ...(config.trustProxy ? { trustProxy: config.trustProxy } : {}),
  ...(config.sharedRateLimits !== undefined ? { sharedRateLimits: config.sharedRateLimits } : {}),
  ...(config.logLevel !== 'silent' ? { logLevel: config.logLevel ?? 'info' } : {}),
  fleet: {
    ...(config.fleet?.minAppVersion ? { minAppVersion: config.fleet.minAppVersion } : {}),
    ...(config.fleet?.silentAfterMin ? { silentAfterMs: config.fleet.silentAfterMin * 60_000 } : {}),
    ...(config.fleet?.queueStaleHours ? { queueStaleMs: config.fleet.queueStaleHours * 3_600_000 } : {}),
  },
};
// SQLite by default; PostgreSQL when a connection URL is configured (DATABASE_URL or "databaseUrl").
const intake = await (config.databaseUrl ? startIntake({ ...options, databaseUrl: config.databaseUrl }) : startIntake(options)).catch((error: unknown) => {
  // One line that says what and where to look, never the connection URL (it may hold a password).
  const message = error instanceof Error ? error.message : String(error);
  const where = config.databaseUrl ? ' (the PostgreSQL database of "databaseUrl" or DATABASE_URL: its host, port, name, user and password)' : ` (the SQLite file ${path.resolve(db)})`;
  console.error(`intake: cannot start: ${message}${isDatabaseUnavailable(error) || isDatabaseSetupError(error) ? where : ''}`);
  process.exit(1);
});
console.log(`intake listening on ${intake.origin} (${intake.store.engine === 'postgres' ? 'PostgreSQL' : `SQLite ${path.resolve(db)}`})`);
const shutdown = () => void intake.close().finally(() => process.exit(0));
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
