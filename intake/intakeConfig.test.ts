import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTAKE_JSON_SCHEMA_FILE } from '../scripts/hallJsonSchema';
import { freePort } from '../scripts/freePort';
import { INTAKE_HELP, intakeJsonSchema, resolveIntakeConfig, UsageError } from './intakeConfig';

const SECRET = 'an-admin-token-of-32-characters-x';
const files = (map: Record<string, { text: string; mode: number }>) => ({
  read: (file: string) => {
    const entry = map[path.basename(file)];
    if (!entry) throw new Error(`ENOENT: ${file}`);
    return entry.text;
  },
  mode: (file: string) => map[path.basename(file)]?.mode ?? 0o100600,
});
const resolve = (argv: string[], env: Record<string, string> = {}, fs = files({})) => resolveIntakeConfig(argv, env, fs.read, fs.mode);

describe('the intake command line and config', () => {
  it('answers --help, and refuses an unknown option or a positional with what went wrong', () => {
    expect(resolve(['--help']).help).toBe(true);
    expect(resolve(['-h']).help).toBe(true);
    expect(() => resolve(['--hepl'])).toThrow(UsageError);
    expect(() => resolve(['--hepl'])).toThrow(/Unknown option '--hepl'/);
    expect(() => resolve(['stray'])).toThrow(UsageError);
    expect(INTAKE_HELP).toContain('--config FILE');
  });

  it('takes no secret as an argument: each says where it goes now', () => {
    expect(() => resolve(['--admin-token', SECRET])).toThrow('--admin-token is a secret and is no longer taken as an argument (npm and ps show arguments): use INTAKE_ADMIN_TOKEN or "adminToken" in --config');
    expect(() => resolve([`--dashboard-token=H1:${SECRET}`])).toThrow(/INTAKE_DASHBOARD_TOKENS/);
  });

  it('reads secrets from the environment, checked like any other setting', () => {
    const { config } = resolve(['--port', '9000'], { INTAKE_ADMIN_TOKEN: SECRET, INTAKE_DASHBOARD_TOKENS: `H1:${SECRET}, H2:${SECRET}y` });
    expect(config).toEqual({ port: 9000, adminToken: SECRET, dashboardTokens: { H1: SECRET, H2: `${SECRET}y` } });
    expect(() => resolve([], { INTAKE_ADMIN_TOKEN: 'short' })).toThrow(/adminToken: at least 32 characters/);
    expect(() => resolve([], { INTAKE_DASHBOARD_TOKENS: 'no-colon' })).toThrow(/HALL:TOKEN/);
  });

  it('reads a config file, its paths relative to it, the command line winning for settings', () => {
    const fs = files({ 'intake.json': { text: JSON.stringify({ db: 'data/i.sqlite', port: 8788, cors: ['http://a'], enrolmentTokensFiles: ['tokens.json'], fleet: { minAppVersion: '0.2.0' } }), mode: 0o100644 } });
    const { config } = resolve(['--config', '/etc/hall/intake.json', '--port', '9001', '--cors', 'http://b', '--silent-after-min', '5'], {}, fs);
    expect(config).toEqual({
      db: '/etc/hall/data/i.sqlite',
      port: 9001,
      cors: ['http://a', 'http://b'],
      enrolmentTokensFiles: ['/etc/hall/tokens.json'],
      fleet: { minAppVersion: '0.2.0', silentAfterMin: 5 },
    });
  });

  it('reads the phone rating settings: link working days per hall, the SMS outbox relative to the file (issue 24)', () => {
    const phone = { linkWorkingDays: { 'xihu-hall': 10 }, smsOutboxFile: 'sms/outbox.jsonl', windowRatingsPerAddressPerHour: 3 };
    const fs = files({ 'intake.json': { text: JSON.stringify({ phone }), mode: 0o100644 } });
    expect(resolve(['--config', '/etc/hall/intake.json'], {}, fs).config.phone).toEqual({ ...phone, smsOutboxFile: '/etc/hall/sms/outbox.jsonl' });
    const tooLong = files({ 'intake.json': { text: JSON.stringify({ phone: { linkWorkingDays: { h: 0 } } }), mode: 0o100644 } });
    expect(() => resolve(['--config', '/etc/hall/intake.json'], {}, tooLong)).toThrow(UsageError);
  });

  it('refuses a config with secrets that others can read, a config that is not its schema, and a bad number', () => {
    const open = files({ 'intake.json': { text: JSON.stringify({ adminToken: SECRET }), mode: 0o100644 } });
    expect(() => resolve(['--config', 'intake.json'], {}, open)).toThrow('intake.json holds secrets and others can read it: chmod 600 intake.json');
    const closed = files({ 'intake.json': { text: JSON.stringify({ adminToken: SECRET, caseEventTokens: { 'pad-1': SECRET } }), mode: 0o100600 } });
    expect(resolve(['--config', 'intake.json'], {}, closed).config).toEqual({ adminToken: SECRET, caseEventTokens: { 'pad-1': SECRET } });
    const typo = files({ 'intake.json': { text: JSON.stringify({ adminTokn: SECRET }), mode: 0o100600 } });
    expect(() => resolve(['--config', 'intake.json'], {}, typo)).toThrow(/intake.json: \(root\): Unrecognized key: "adminTokn"/);
    const broken = files({ 'intake.json': { text: '{"port": ', mode: 0o100600 } });
    expect(() => resolve(['--config', 'intake.json'], {}, broken)).toThrow(/intake.json: .*JSON/);
    expect(() => resolve(['--port', 'eighty'])).toThrow('--port wants a number, not "eighty"');
    expect(() => resolve(['--public-url', 'not a url'])).toThrow(/publicUrl/);
  });

  it('takes the people who work tickets from an owner-only config, each handler with a department, each login once', () => {
    const hash = 'scrypt$16384$c2FsdA==$aGFzaA==';
    const handler = { login: 'h1', name: '王经办', role: 'handler', department: '民政局', passwordHash: hash };
    const readable = files({ 'intake.json': { text: JSON.stringify({ people: [handler] }), mode: 0o100644 } });
    expect(() => resolve(['--config', 'intake.json'], {}, readable)).toThrow(/holds secrets/);
    const ok = files({ 'intake.json': { text: JSON.stringify({ people: [handler] }), mode: 0o100600 } });
    expect(resolve(['--config', 'intake.json'], {}, ok).config.people).toEqual([{ ...handler, staffIds: [] }]);
    const noDepartment = files({ 'intake.json': { text: JSON.stringify({ people: [{ ...handler, department: undefined }] }), mode: 0o100600 } });
    expect(() => resolve(['--config', 'intake.json'], {}, noDepartment)).toThrow(/people.0.department: a handler needs the department/);
    const twice = files({ 'intake.json': { text: JSON.stringify({ people: [handler, { ...handler, role: 'auditor' }] }), mode: 0o100600 } });
    expect(() => resolve(['--config', 'intake.json'], {}, twice)).toThrow(/every login appears once/);
    const plain = files({ 'intake.json': { text: JSON.stringify({ people: [{ ...handler, passwordHash: 'hunter2' }] }), mode: 0o100600 } });
    expect(() => resolve(['--config', 'intake.json'], {}, plain)).toThrow(/npm run pin-hash/);
  });

  it('takes the work-queue session key from the environment or an owner-only config, 32 bytes in hex', () => {
    const key = 'ab'.repeat(32);
    expect(resolve([], { INTAKE_SESSION_KEY: key }).config).toEqual({ sessionKey: key });
    expect(() => resolve([], { INTAKE_SESSION_KEY: 'short' })).toThrow(/sessionKey: expected 64 lowercase hex digits/);
    expect(() => resolve(['--config', 'intake.json'], {}, files({ 'intake.json': { text: JSON.stringify({ sessionKey: key }), mode: 0o100640 } }))).toThrow(/holds secrets/);
  });

  it('takes a PostgreSQL connection URL from DATABASE_URL or an owner-only config, never from an argument', () => {
    const url = 'postgres://intake:pw@db.example:5432/intake';
    expect(resolve([], { DATABASE_URL: url }).config).toEqual({ databaseUrl: url });
    expect(() => resolve([], { DATABASE_URL: 'mysql://x' })).toThrow(/databaseUrl: expected a postgres/);
    expect(() => resolve(['--config', 'intake.json'], {}, files({ 'intake.json': { text: JSON.stringify({ databaseUrl: url }), mode: 0o100644 } }))).toThrow(/holds secrets/);
    expect(resolve(['--config', 'intake.json'], {}, files({ 'intake.json': { text: JSON.stringify({ databaseUrl: url }), mode: 0o100600 } })).config.databaseUrl).toBe(url);
    expect(() => resolve(['--database-url', url], {})).toThrow(UsageError);
  });

  it('takes the address to listen on, an IP address or localhost', () => {
    expect(resolve(['--host', '0.0.0.0']).config).toEqual({ host: '0.0.0.0' });
    expect(resolve(['--host', '10.0.0.11']).config.host).toBe('10.0.0.11');
    expect(resolve(['--host', '::']).config.host).toBe('::');
    expect(() => resolve(['--host', 'db.internal; rm -rf /'])).toThrow(/host/);
  });

  it('keeps the checked-in JSON Schema in step with the zod schema (npm run config-schema)', () => {
    expect(readFileSync(INTAKE_JSON_SCHEMA_FILE, 'utf8')).toBe(intakeJsonSchema());
  });

  it('npm run intake -- --help prints the options and exits 0; an unknown option exits 2 with the help', () => {
    const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'intake/main.ts', ...args], { encoding: 'utf8', timeout: 60_000 });
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: npm run intake -- [options]');
    const wrong = run(['--admin-token', SECRET]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('--admin-token is a secret');
    expect(wrong.stderr).toContain('Usage: npm run intake');
    expect(wrong.stdout + wrong.stderr).not.toContain('listening');
  }, 120_000);

  it('says in one line why it cannot reach its PostgreSQL database, never the password, and exits 1', async () => {
    const port = await freePort();
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'intake/main.ts', '--port', '0'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, INTAKE_ADMIN_TOKEN: SECRET, DATABASE_URL: `postgres://intake:s3cret-pw@127.0.0.1:${port}/haochaping` },
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n').filter((line) => line.startsWith('intake: cannot start:'))).toEqual([
      `intake: cannot start: connect ECONNREFUSED 127.0.0.1:${port} (the PostgreSQL database of "databaseUrl" or DATABASE_URL: its host, port, name, user and password)`,
    ]);
    expect(run.stderr).not.toMatch(/s3cret-pw|\n\s+at /);
  }, 120_000);

  it('keeps the database, its WAL and its folder owner-only', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'intake-modes-')), 'data');
    const child = spawn(process.execPath, ['--import', 'tsx', 'intake/main.ts', '--db', path.join(dir, 'i.sqlite'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, INTAKE_ADMIN_TOKEN: SECRET } });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
        child.once('exit', (code) => reject(new Error(`intake exited with ${code}`)));
      });
      expect((statSync(dir).mode & 0o777).toString(8)).toBe('700');
      for (const file of ['i.sqlite', 'i.sqlite-wal', 'i.sqlite-shm']) expect([file, (statSync(path.join(dir, file)).mode & 0o777).toString(8)]).toEqual([file, '600']);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});
