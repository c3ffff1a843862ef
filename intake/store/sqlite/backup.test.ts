import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { recheckAll } from '../../integrity/recheckAll';
import type { RunningIntake } from '../../server';
import { enrolledIntake, item, upload } from '../../testing/intakeHarness';
import { chain } from '../../testing/signedOutcomes';
import { backupSqlite, devicesWithOutcomes, integrityCheck, restoreSqlite } from './backup';
import { openSqliteStore } from './sqliteStore';

let running: RunningIntake[] = [];
afterEach(async () => {
  await Promise.all(running.map((intake) => intake.close()));
  running = [];
});

const ROOT = path.resolve(import.meta.dirname, '../../..');
const dir = () => mkdtempSync(path.join(tmpdir(), 'backup-'));

/** What restore runs before a copy becomes the database (intake/backupMain.ts does the same). */
async function recheckCandidate(candidate: string) {
  const store = openSqliteStore(candidate);
  try {
    const result = await recheckAll(store, devicesWithOutcomes(candidate));
    if (result.failureCount > 0) throw new Error(`${result.failureCount} records fail the re-check`);
    return result;
  } finally {
    await store.close();
  }
}

/** An intake with `n` rated outcomes of dev-1 stored (uploaded in batches of 10). */
async function intakeWithOutcomes(n: number) {
  const { intake, key } = await enrolledIntake(running);
  const outcomes = chain(
    Array.from({ length: n }, (_, i) => item(((i % 5) + 1) as 1 | 2 | 3 | 4 | 5)),
    key.privateKey,
  );
  for (let i = 0; i < outcomes.length; i += 10) await upload(intake, key, outcomes.slice(i, i + 10));
  return { intake, key, outcomes, dbFile: intake.db.name };
}

const count = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM outcomes').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('backup and restore of the SQLite database', () => {
  it('backs up a running intake while batches keep arriving, and the restore passes the integrity re-check', async () => {
    const { intake, key, outcomes, dbFile } = await intakeWithOutcomes(40);
    const more = chain(
      Array.from({ length: 40 }, () => item(4)),
      key.privateKey,
      outcomes[outcomes.length - 1],
    );
    const backupFile = path.join(dir(), 'intake-backup.sqlite');
    // Uploads go on while the backup copies: the backup is one consistent snapshot of some moment.
    const uploading = (async () => {
      for (let i = 0; i < more.length; i += 5) await upload(intake, key, more.slice(i, i + 5));
    })();
    const progress: number[] = [];
    const done = await backupSqlite(dbFile, backupFile, (p) => progress.push(p.remainingPages));
    await uploading;
    expect(progress.length).toBeGreaterThan(0);
    expect(done.remainingPages).toBe(0);
    expect(statSync(backupFile).mode & 0o077).toBe(0);
    expect(integrityCheck(backupFile)).toEqual(['ok']);
    const inBackup = count(backupFile);
    expect(inBackup).toBeGreaterThanOrEqual(40);
    expect(inBackup).toBeLessThanOrEqual(80);

    const restored = path.join(dir(), 'intake.sqlite');
    let rechecked: Awaited<ReturnType<typeof recheckCandidate>> | undefined;
    await restoreSqlite(backupFile, restored, async (candidate) => {
      rechecked = await recheckCandidate(candidate);
    });
    expect(rechecked).toMatchObject({ devices: 1, checked: inBackup, verified: inBackup, failureCount: 0 });
    expect(count(restored)).toBe(inBackup);
    expect(existsSync(`${restored}.restoring`)).toBe(false);
    expect(existsSync(`${restored}-wal`)).toBe(false);

    // The restored file is an intake database: the device goes on from where the backup ends.
    const store = openSqliteStore(restored);
    try {
      expect(await store.outcomes.maxSeq('dev-1')).toBe(inBackup);
    } finally {
      await store.close();
    }
  });

  it('ends while another connection writes between every step, and the copy is whole', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'backup-busy-'));
    const dbFile = path.join(dir, 'busy.sqlite');
    const writer = new Database(dbFile);
    writer.pragma('journal_mode = WAL');
    writer.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, pad BLOB)');
    const insert = writer.prepare('INSERT INTO t (pad) VALUES (randomblob(4000))');
    writer.transaction(() => {
      for (let i = 0; i < 3000; i++) insert.run();
    })();
    let writing = true;
    let writes = 0;
    const keepWriting = () => {
      if (!writing) return;
      insert.run();
      writes++;
      setImmediate(keepWriting);
    };
    keepWriting();
    const steps: number[] = [];
    try {
      const done = await backupSqlite(dbFile, path.join(dir, 'copy.sqlite'), (p) => steps.push(p.remainingPages));
      expect(done.remainingPages).toBe(0);
    } finally {
      writing = false;
      writer.close();
    }
    // It did start again (writes came between steps), and ended.
    expect(steps.some((remaining, i) => i > 0 && remaining > steps[i - 1]!)).toBe(true);
    expect(writes).toBeGreaterThan(0);
    expect(integrityCheck(path.join(dir, 'copy.sqlite'))).toEqual(['ok']);
  }, 20_000);

  it('refuses a backup whose stored rating was changed, and leaves no database behind', async () => {
    const { outcomes, dbFile } = await intakeWithOutcomes(10);
    const backupFile = path.join(dir(), 'b.sqlite');
    await backupSqlite(dbFile, backupFile);
    // 删差评 by hand in the backup: a 差评 turned into 非常满意 in its stored body.
    const db = new Database(backupFile);
    const row = db.prepare('SELECT body FROM outcomes WHERE id = ?').get(outcomes[0]!.id) as { body: string };
    db.prepare('UPDATE outcomes SET body = ? WHERE id = ?').run(row.body.replace('"level":1', '"level":5'), outcomes[0]!.id);
    db.close();

    const restored = path.join(dir(), 'intake.sqlite');
    await expect(restoreSqlite(backupFile, restored, async (candidate) => void (await recheckCandidate(candidate)))).rejects.toThrow('1 records fail the re-check');
    expect(existsSync(restored)).toBe(false);
    expect(existsSync(`${restored}.restoring`)).toBe(false);
  });

  it('never writes over an existing database or backup', async () => {
    const { dbFile } = await intakeWithOutcomes(1);
    const backupFile = path.join(dir(), 'b.sqlite');
    writeFileSync(backupFile, 'an older backup');
    await expect(backupSqlite(dbFile, backupFile)).rejects.toThrow('exists already');
    await expect(restoreSqlite(dbFile, dbFile, async () => undefined)).rejects.toThrow('move the current database aside');
  });

  it('refuses a file that is not a sound SQLite database', async () => {
    const broken = path.join(dir(), 'broken.sqlite');
    writeFileSync(broken, 'SQLite format 3\0'.padEnd(4096, 'x'));
    await expect(restoreSqlite(broken, path.join(dir(), 'intake.sqlite'), async () => undefined)).rejects.toThrow();
  });

  it('npm run intake:restore refuses a tampered backup with exit 1 and says why', async () => {
    const { outcomes, dbFile } = await intakeWithOutcomes(5);
    const backupFile = path.join(dir(), 'b.sqlite');
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'intake/backupMain.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
    const backedUp = cli('backup', '--db', dbFile, '--to', backupFile);
    expect(backedUp.status, backedUp.stderr).toBe(0);
    const db = new Database(backupFile);
    db.prepare("UPDATE outcomes SET body = replace(body, '\"level\":1', '\"level\":5') WHERE id = ?").run(outcomes[0]!.id);
    db.close();
    const target = path.join(dir(), 'intake.sqlite');
    const restore = cli('restore', '--from', backupFile, '--db', target);
    expect(restore.status).toBe(1);
    expect(restore.stdout).toContain('1 failed');
    expect(restore.stderr).toContain('not restored');
    expect(existsSync(target)).toBe(false);
  });
});
