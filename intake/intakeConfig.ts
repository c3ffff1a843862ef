import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { PeopleSchema } from '../contract/people';
import { DispatchersSchema } from '../contract/tickets';

/**
 * The intake's configuration: one JSON file (`--config intake.json`, JSON Schema in
 * intake/intake-config.schema.json), the environment for secrets, and command-line options
 * for everything that is not a secret. Secrets — the admin token, hall dashboard tokens,
 * case-event tokens — never come from arguments (npm echoes them, `ps` shows them): a file only
 * its owner can read, or INTAKE_ADMIN_TOKEN / INTAKE_DASHBOARD_TOKENS.
 */
const token = z.string().min(32, 'at least 32 characters');
export const IntakeConfigSchema = z
  .object({
    $schema: z.string().optional(),
    db: z.string().min(1).optional().describe('SQLite database file (default .data/intake.sqlite)'),
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// connection URL')
      .optional()
      .describe('Secret (it may hold a password): a PostgreSQL connection URL (or DATABASE_URL); the intake then keeps its data there instead of the SQLite file, and several intake nodes can share it'),
    host: z
      .union([z.ipv4(), z.ipv6(), z.literal('localhost')])
      .optional()
      .describe('Address to listen on (default 127.0.0.1): this node\'s own address, or 0.0.0.0, when a proxy on another host sends it requests (several nodes)'),
    port: z.number().int().min(0).max(65535).optional().describe('TCP port (default 8788)'),
    cors: z.array(z.string()).optional().describe('Browser origins allowed to call the intake (exact, or scheme://host:* for any port)'),
    appDir: z.string().optional().describe('The renderer build: the evaluator at / for host-less tablets, /dashboard and /display (default dist)'),
    publicUrl: z.url().optional().describe("The intake's address as staff phones and tablets reach it (pairing QR, links)"),
    trustProxy: z.string().optional().describe('Behind a reverse proxy: the proxy addresses trusted for X-Forwarded-For'),
    sharedRateLimits: z.boolean().optional().describe('Count per-address limits in the database, shared by every intake node on it (default: on with PostgreSQL, off with SQLite)'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).optional().describe('Request log level: one JSON line per request, nothing secret (default info)'),
    enrolmentTokensFiles: z.array(z.string()).optional().describe('intake-enrolment-tokens.json files written by npm run provision (hashes only)'),
    caseEventTokensFiles: z.array(z.string()).optional().describe('intake-case-event-tokens.json files written by npm run provision: case events for host-less tablets (hashes only)'),
    staffDirectory: z.string().optional().describe('JSON list of staff who may confirm pairing codes'),
    sessionKey: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits (openssl rand -hex 32)')
      .optional()
      .describe('Secret: the key of the work-queue session cookies (or INTAKE_SESSION_KEY); every intake node on one database needs the same; a fresh one at every start when absent (sessions end with a restart)'),
    people: PeopleSchema.optional().describe('Secret (password hashes): the people who work 差评 tickets at /dashboard (manager, handler, reviewer, auditor); passwords as npm run pin-hash writes them'),
    dispatchers: DispatchersSchema.optional().describe('Secret (tokens): the systems that dispatch 差评 tickets down (12345, the province, the city) at POST /v1/tickets/dispatched, each with its own token (or its SHA-256) and the halls it may dispatch to; the admin token does not dispatch'),
    adminToken: token.optional().describe('Secret: the admin token (or INTAKE_ADMIN_TOKEN)'),
    dashboardTokens: z.record(z.string(), token).optional().describe('Secret: hall code → read-only dashboard token (or INTAKE_DASHBOARD_TOKENS=HALL:TOKEN,…)'),
    caseEventTokens: z.record(z.string(), token).optional().describe("Secret: device id → the token a window business system uses to post case events for a host-less tablet"),
    phone: z
      .object({
        linkWorkingDays: z.record(z.string(), z.number().int().min(1).max(30)).optional().describe('Hall code → working days a case-bound phone rating link stays valid (default 5)'),
        smsOutboxFile: z.string().optional().describe('The reference text-message sender: one JSON line per rating link sent, owner-only (no text messages without it)'),
        windowRatingsPerAddressPerHour: z.number().int().positive().optional().describe('Window QR ratings per caller address and hour before they are kept flagged, uncounted (default 5)'),
        windowRatingsPerWindowPerHour: z.number().int().positive().optional().describe('Window QR ratings per window and hour before they are kept flagged, uncounted (default 60)'),
      })
      .strict()
      .optional()
      .describe("Ratings on the citizen's phone (docs/phone-rating.md)"),
    fleet: z
      .object({
        minAppVersion: z.string().optional().describe('Devices on an older evaluator build are flagged version-below-minimum'),
        silentAfterMin: z.number().positive().optional().describe('Minutes without a heartbeat before device-silent (default 10)'),
        queueStaleHours: z.number().positive().optional().describe('Hours the oldest unsent outcome may wait before queue-stale (default 4)'),
      })
      .strict()
      .optional(),
  })
  .strict();
export type IntakeConfig = z.infer<typeof IntakeConfigSchema>;

const SECRET_KEYS = ['adminToken', 'dashboardTokens', 'caseEventTokens', 'dispatchers', 'people', 'sessionKey', 'databaseUrl'] as const;

export const INTAKE_HELP = `Usage: npm run intake -- [options]

Options (settings only; secrets come from --config or the environment):
  --config FILE               JSON config (intake/intake-config.schema.json); owner-only (chmod 600) when it holds secrets
  --db FILE                   SQLite database (default .data/intake.sqlite)
  --host ADDR                 address to listen on (default 127.0.0.1; the node's own address or 0.0.0.0 behind a proxy on another host)
  --port N                    port (default 8788)
  --cors ORIGIN               browser origin allowed to call the intake; repeatable (http://127.0.0.1:* for any port)
  --app-dir DIR               renderer build: evaluator at / for host-less tablets, /dashboard, /display (default dist)
  --public-url URL            the intake's address as staff phones and tablets reach it (pairing QR)
  --trust-proxy ADDRS         behind a reverse proxy: proxy addresses trusted for X-Forwarded-For
  --shared-rate-limits        count per-address limits in the database (the default with PostgreSQL)
  --log-level LEVEL           request log: fatal, error, warn, info (default), debug or silent
  --enrolment-tokens-file F   intake-enrolment-tokens.json from npm run provision; repeatable
  --enrolment-token T:DEV:HALL[:rotate]   a one-off token for one device of one hall (development)
  --case-event-tokens-file F  intake-case-event-tokens.json from npm run provision (host-less tablets); repeatable
  --staff-directory FILE      staff who may confirm pairing codes (JSON)
  --min-app-version V         flag devices on an older build (version-below-minimum)
  --silent-after-min N        minutes without a heartbeat before device-silent (default 10)
  --queue-stale-hours N       hours the oldest unsent outcome may wait before queue-stale (default 4)
  -h, --help                  this text

Environment (secrets):
  INTAKE_ADMIN_TOKEN          the admin token (at least 32 characters)
  INTAKE_DASHBOARD_TOKENS     HALL:TOKEN[,HALL:TOKEN…] read-only hall dashboard tokens
  INTAKE_SESSION_KEY          64 hex digits: the work-queue session key (the same on every node)
  DATABASE_URL                postgres://USER:PASSWORD@HOST:PORT/DB: keep the data in PostgreSQL instead of --db (several nodes)
`;

export class UsageError extends Error {}

const OPTIONS = {
  config: { type: 'string' },
  db: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  cors: { type: 'string', multiple: true },
  'app-dir': { type: 'string' },
  'public-url': { type: 'string' },
  'trust-proxy': { type: 'string' },
  'shared-rate-limits': { type: 'boolean' },
  'log-level': { type: 'string' },
  'enrolment-tokens-file': { type: 'string', multiple: true },
  'enrolment-token': { type: 'string', multiple: true },
  'case-event-tokens-file': { type: 'string', multiple: true },
  'staff-directory': { type: 'string' },
  'min-app-version': { type: 'string' },
  'silent-after-min': { type: 'string' },
  'queue-stale-hours': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Options that used to carry secrets on the command line, and where they go now. */
const MOVED: Record<string, string> = {
  '--admin-token': 'INTAKE_ADMIN_TOKEN or "adminToken" in --config',
  '--dashboard-token': 'INTAKE_DASHBOARD_TOKENS or "dashboardTokens" in --config',
};

export interface ResolvedIntakeConfig {
  help: boolean;
  config: IntakeConfig;
  /** One-off enrolment tokens given on the command line (TOKEN:DEVICE:HALL[:rotate]). */
  enrolmentTokenSpecs: string[];
  /** Where the config file was (paths in it are relative to it). */
  baseDir: string;
}

/**
 * Reads the command line, the config file and the environment into one config. Throws a
 * UsageError (with what to do) for an unknown option, a secret given as an argument, a config
 * that does not match its schema, or a config with secrets others can read.
 */
export function resolveIntakeConfig(argv: string[], env: Record<string, string | undefined>, readFile: (file: string) => string = (f) => readFileSync(f, 'utf8'), modeOf: (file: string) => number = (f) => statSync(f).mode): ResolvedIntakeConfig {
  for (const arg of argv) {
    const name = arg.split('=')[0]!;
    if (name in MOVED) throw new UsageError(`${name} is a secret and is no longer taken as an argument (npm and ps show arguments): use ${MOVED[name]}`);
  }
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; strict: true; allowPositionals: false }>>['values'];
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return { help: true, config: {}, enrolmentTokenSpecs: [], baseDir: process.cwd() };

  let fromFile: IntakeConfig = {};
  let baseDir = process.cwd();
  if (values.config) {
    const file = path.resolve(values.config);
    baseDir = path.dirname(file);
    let json: unknown;
    try {
      json = JSON.parse(readFile(file));
    } catch (error) {
      throw new UsageError(`${values.config}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const parsed = IntakeConfigSchema.safeParse(json);
    if (!parsed.success) throw new UsageError(`${values.config}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    fromFile = parsed.data;
    if (SECRET_KEYS.some((key) => fromFile[key] !== undefined) && (modeOf(file) & 0o077) !== 0) {
      throw new UsageError(`${values.config} holds secrets and others can read it: chmod 600 ${values.config}`);
    }
  }
  const rel = (p: string | undefined) => (p === undefined ? undefined : path.resolve(baseDir, p));
  const number = (option: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) throw new UsageError(`--${option} wants a number, not ${JSON.stringify(text)}`);
    return value;
  };
  const envDashboard = env.INTAKE_DASHBOARD_TOKENS
    ? Object.fromEntries(
        env.INTAKE_DASHBOARD_TOKENS.split(',').map((spec) => {
          const at = spec.indexOf(':');
          if (at < 1) throw new UsageError('INTAKE_DASHBOARD_TOKENS wants HALL:TOKEN[,HALL:TOKEN…]');
          return [spec.slice(0, at).trim(), spec.slice(at + 1).trim()];
        }),
      )
    : undefined;
  const config: IntakeConfig = {
    ...fromFile,
    ...(fromFile.db !== undefined ? { db: rel(fromFile.db)! } : {}),
    ...(fromFile.appDir !== undefined ? { appDir: rel(fromFile.appDir)! } : {}),
    ...(fromFile.staffDirectory !== undefined ? { staffDirectory: rel(fromFile.staffDirectory)! } : {}),
    ...(fromFile.enrolmentTokensFiles ? { enrolmentTokensFiles: fromFile.enrolmentTokensFiles.map((f) => rel(f)!) } : {}),
    ...(fromFile.caseEventTokensFiles ? { caseEventTokensFiles: fromFile.caseEventTokensFiles.map((f) => rel(f)!) } : {}),
    ...(fromFile.phone?.smsOutboxFile !== undefined ? { phone: { ...fromFile.phone, smsOutboxFile: rel(fromFile.phone.smsOutboxFile)! } } : {}),
    ...(values.db !== undefined ? { db: values.db } : {}),
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(values.port !== undefined ? { port: number('port', values.port)! } : {}),
    ...(values.cors !== undefined ? { cors: [...(fromFile.cors ?? []), ...values.cors] } : {}),
    ...(values['app-dir'] !== undefined ? { appDir: values['app-dir'] } : {}),
    ...(values['public-url'] !== undefined ? { publicUrl: values['public-url'] } : {}),
    ...(values['trust-proxy'] !== undefined ? { trustProxy: values['trust-proxy'] } : {}),
    ...(values['shared-rate-limits'] !== undefined ? { sharedRateLimits: values['shared-rate-limits'] } : {}),
    ...(values['log-level'] !== undefined ? { logLevel: values['log-level'] as IntakeConfig['logLevel'] } : {}),
    ...(values['enrolment-tokens-file'] !== undefined ? { enrolmentTokensFiles: [...(fromFile.enrolmentTokensFiles ?? []).map((f) => rel(f)!), ...values['enrolment-tokens-file']] } : {}),
    ...(values['case-event-tokens-file'] !== undefined ? { caseEventTokensFiles: [...(fromFile.caseEventTokensFiles ?? []).map((f) => rel(f)!), ...values['case-event-tokens-file']] } : {}),
    ...(values['staff-directory'] !== undefined ? { staffDirectory: values['staff-directory'] } : {}),
    ...(env.INTAKE_ADMIN_TOKEN ? { adminToken: env.INTAKE_ADMIN_TOKEN } : {}),
    ...(env.INTAKE_SESSION_KEY ? { sessionKey: env.INTAKE_SESSION_KEY } : {}),
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    ...(envDashboard ? { dashboardTokens: { ...fromFile.dashboardTokens, ...envDashboard } } : {}),
  };
  const fleet = {
    ...fromFile.fleet,
    ...(values['min-app-version'] !== undefined ? { minAppVersion: values['min-app-version'] } : {}),
    ...(values['silent-after-min'] !== undefined ? { silentAfterMin: number('silent-after-min', values['silent-after-min'])! } : {}),
    ...(values['queue-stale-hours'] !== undefined ? { queueStaleHours: number('queue-stale-hours', values['queue-stale-hours'])! } : {}),
  };
  if (Object.keys(fleet).length > 0) config.fleet = fleet;
  // The whole result is checked again: an argument can be as wrong as the file.
  const checked = IntakeConfigSchema.safeParse(config);
  if (!checked.success) throw new UsageError(checked.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  return { help: false, config: checked.data, enrolmentTokenSpecs: values['enrolment-token'] ?? [], baseDir };
}

/** The config as JSON Schema, generated from the zod schema (npm run config-schema). */
export function intakeJsonSchema(): string {
  const schema = z.toJSONSchema(IntakeConfigSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: '好差评 intake configuration' }, null, 2)}\n`;
}
