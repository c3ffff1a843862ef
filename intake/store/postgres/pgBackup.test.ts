import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { postgresBinDir } from '../../../scripts/pgCluster';
import { createTestDatabase } from '../../../scripts/pgTestDatabase';
import { startIntake, type StartedIntake } from '../../server';
import { enrolDev1, harnessOptions, item, upload } from '../../testing/intakeHarness';
import { chain } from '../../testing/signedOutcomes';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');
const databases: Array<{ url: string; drop(): Promise<void> }> = [];
let running: StartedIntake[] = [];
afterEach(async () => {
  await Promise.all(running.map((intake) => intake.close()));
  running = [];
});
afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
});

async function database() {
  const db = await createTestDatabase();
  databases.push(db);
  return db.url;
}

/** npm run intake:verify on a PostgreSQL database. */
const verify = (url: string) => spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'intake/backupMain.ts'), 'verify'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATABASE_URL: url } });

describe('backup and restore on PostgreSQL (pg_dump, pg_restore, then the integrity re-check)', { timeout: 60_000 }, () => {
  it('a database restored from pg_dump passes the re-check of every device; a changed rating in it does not', async () => {
    const source = await database();
    const intake = await startIntake({ ...harnessOptions(path.join(mkdtempSync(path.join(tmpdir(), 'pg-intake-')), 'unused.sqlite')), databaseUrl: source });
    running.push(intake);
    const { key } = await enrolDev1(intake);
    const outcomes = chain(
      Array.from({ length: 12 }, (_, i) => item(((i % 5) + 1) as 1 | 2 | 3 | 4 | 5)),
      key.privateKey,
    );
    await upload(intake, key, outcomes);

    const dump = path.join(mkdtempSync(path.join(tmpdir(), 'pg-dump-')), 'intake.dump');
    const bin = postgresBinDir();
    await run(path.join(bin, 'pg_dump'), ['--format=custom', '--file', dump, source]);
    const target = await database();
    await run(path.join(bin, 'pg_restore'), ['--no-owner', '--single-transaction', '--exit-on-error', '--dbname', target, dump]);

    const checked = verify(target);
    expect(checked.status, checked.stderr).toBe(0);
    expect(checked.stdout).toContain('re-checked 12 stored records of 1 devices: 12 verified, 0 from before key history (content and links hold), 0 failed');

    // 删差评 in the restored copy: the first 差评's body says 非常满意 now.
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    try {
      await client.query(`UPDATE outcomes SET body = replace(body, '"level":1', '"level":5') WHERE id = $1`, [outcomes[0]!.id]);
    } finally {
      await client.end();
    }
    const refused = verify(target);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain('1 failed');
    expect(refused.stdout).toContain(`dev-1 seq 1`);
  });

  it('refuses a restore that stopped before its end, and an empty database, with what to do; a node will not start on the first', async () => {
    const source = await database();
    const intake = await startIntake({ ...harnessOptions(path.join(mkdtempSync(path.join(tmpdir(), 'pg-intake-')), 'unused.sqlite')), databaseUrl: source });
    running.push(intake);
    const { key } = await enrolDev1(intake);
    await upload(intake, key, chain([item(1), item(5)], key.privateKey));
    const dump = path.join(mkdtempSync(path.join(tmpdir(), 'pg-dump-')), 'intake.dump');
    const bin = postgresBinDir();
    await run(path.join(bin, 'pg_dump'), ['--format=custom', '--file', dump, source]);

    // Tables and rows, none of what pg_restore writes last: keys, indexes, triggers.
    const cut = await database();
    await run(path.join(bin, 'pg_restore'), ['--no-owner', '--exit-on-error', '--section=pre-data', '--section=data', '--dbname', cut, dump]);
    const refused = verify(cut);
    expect(refused.status).toBe(1);
    // 31 tables without their keys, and the 5 triggers.
    expect(refused.stderr).toContain('the database is not a whole intake schema (table case_links has no primary key; table dashboard_comments has no primary key; table dashboard_daily has no primary key; and 33 more): a restore that stopped before its end? Restore again into a new database');
    await expect(startIntake({ ...harnessOptions(path.join(mkdtempSync(path.join(tmpdir(), 'pg-intake-')), 'unused.sqlite')), databaseUrl: cut })).rejects.toThrow('not a whole intake schema');

    const empty = await database();
    const nothing = verify(empty);
    expect(nothing.status).toBe(1);
    expect(nothing.stderr).toContain('the database holds no intake schema');
    const client = new pg.Client({ connectionString: empty });
    await client.connect();
    try {
      expect((await client.query("SELECT to_regclass('schema_migrations') AS found")).rows).toEqual([{ found: null }]);
    } finally {
      await client.end();
    }
  });
});
