import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { recheckAll } from './integrity/recheckAll';
import type { RunningIntake } from './server';
import { backupSqlite, devicesWithOutcomes, integrityCheck } from './store/sqlite/backup';
import { openSqliteStore } from './store/sqlite/sqliteStore';
import { enrolledIntake, item, upload } from './testing/intakeHarness';
import { chain } from './testing/signedOutcomes';

/**
 * `npm run intake:backup` and `intake:restore` killed (SIGKILL) at points spread over their whole
 * run, from start-up to exit: whatever moment the power goes, the destination either does not
 * exist or is a whole database that passes SQLite's structure check and the integrity re-check,
 * the source is untouched, and the same command run again completes.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const KILLS = 4;

let running: RunningIntake[] = [];
afterEach(async () => {
  await Promise.all(running.map((intake) => intake.close()));
  running = [];
});

const fileHash = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function counts(file: string): { outcomes: number; padding: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return {
      outcomes: (db.prepare('SELECT COUNT(*) AS n FROM outcomes').get() as { n: number }).n,
      padding: (db.prepare('SELECT COUNT(*) AS n FROM padding').get() as { n: number }).n,
    };
  } finally {
    db.close();
  }
}

/** When to kill: this long after spawn, or as soon as the n-th progress line containing `text` is seen. */
type KillAt = { afterMs: number } | { text: string; nth: number };

/** Runs the backup CLI, SIGKILLed at `killAt` if given. Resolves with its exit code (null when killed). */
function runCli(args: string[], killAt?: KillAt): Promise<{ code: number | null; ms: number; stderr: string }> {
  const started = performance.now();
  // tsx as a loader of this very process: a tsx launcher would leave its node child running when killed.
  const child = spawn(process.execPath, ['--import', 'tsx', 'intake/backupMain.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    // Progress lines are written synchronously to a pipe before each next step of the copy.
    if (killAt && 'text' in killAt && stderr.split(killAt.text).length - 1 >= killAt.nth) child.kill('SIGKILL');
  });
  const timer = killAt && 'afterMs' in killAt ? setTimeout(() => child.kill('SIGKILL'), killAt.afterMs) : undefined;
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, ms: performance.now() - started, stderr });
    });
  });
}

/** A stopped intake's database: 40 signed outcomes of dev-1, and `paddingMb` more (20 MB: the copy takes five steps). */
async function sourceDatabase(paddingMb: number): Promise<string> {
  const { intake, key } = await enrolledIntake(running);
  const outcomes = chain(
    Array.from({ length: 40 }, (_, i) => item(((i % 5) + 1) as 1 | 2 | 3 | 4 | 5)),
    key.privateKey,
  );
  for (let i = 0; i < outcomes.length; i += 10) await upload(intake, key, outcomes.slice(i, i + 10));
  const file = intake.db.name;
  await intake.close();
  running = running.filter((r) => r !== intake);
  const db = new Database(file);
  try {
    db.exec('CREATE TABLE padding (b BLOB NOT NULL)');
    const insert = db.prepare('INSERT INTO padding (b) VALUES (randomblob(100000))');
    db.transaction(() => {
      for (let i = 0; i < paddingMb * 10; i++) insert.run();
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return file;
}

/** Whole: SQLite's structure check, every row of the source, and the re-check of every stored outcome. */
async function expectWhole(file: string, expected: { outcomes: number; padding: number }): Promise<void> {
  expect(integrityCheck(file)).toEqual(['ok']);
  expect(counts(file)).toEqual(expected);
  const store = openSqliteStore(file);
  try {
    const result = await recheckAll(store, devicesWithOutcomes(file));
    expect(result.failureCount).toBe(0);
    expect(result.checked).toBe(expected.outcomes);
  } finally {
    await store.close();
  }
}

/** Kill points: spread over a run that took `ms` unkilled (start-up included), and at the n-th line of `text`. */
const killPoints = (ms: number, text: string, lines: number[]): KillAt[] => [
  ...Array.from({ length: KILLS }, (_, i) => ({ afterMs: Math.round((ms * (i + 0.5)) / KILLS) })),
  ...lines.map((nth) => ({ text, nth })),
];

describe('backup and restore killed at any moment', () => {
  it('a killed backup leaves no file or a whole one, and the next backup completes', async () => {
    const source = await sourceDatabase(20);
    const expected = counts(source);
    const sourceHash = fileHash(source);
    const dir = mkdtempSync(path.join(tmpdir(), 'backup-kill-'));
    const timed = await runCli(['backup', '--db', source, '--to', path.join(dir, 'timed.sqlite')]);
    expect(timed.code).toBe(0);

    const points = killPoints(timed.ms, 'copying pages', [1, 2, 3]);
    let midCopy = 0;
    for (const [index, at] of points.entries()) {
      const target = path.join(dir, `backup-${index}.sqlite`);
      const run = await runCli(['backup', '--db', source, '--to', target], at);
      if (run.code === null && existsSync(`${target}.partial`)) midCopy++;
      if (existsSync(target)) await expectWhole(target, expected);
      else {
        // Run again: it clears what the killed run left (a .partial file) and completes.
        const again = await runCli(['backup', '--db', source, '--to', target]);
        expect(again.code, `${again.stderr} (after: ${readdirSync(dir).join(', ')})`).toBe(0);
        await expectWhole(target, expected);
      }
      expect(fileHash(source)).toBe(sourceHash);
    }
    // Only the finished backups are left, each whole; no half-written file under the backup's name.
    expect(readdirSync(dir).filter((name) => name.endsWith('.sqlite')).sort()).toEqual([...points.map((_, i) => `backup-${i}.sqlite`), 'timed.sqlite'].sort());
    // Kills landed in the middle of the copy: otherwise this test proved nothing.
    expect(midCopy).toBeGreaterThan(0);
  }, 240_000);

  it('a killed restore leaves no database or a whole, re-checked one, and the backup untouched', async () => {
    // As large as the backup's source: the copy beside the database takes several progress lines to kill in.
    const source = await sourceDatabase(20);
    const expected = counts(source);
    const dir = mkdtempSync(path.join(tmpdir(), 'restore-kill-'));
    const backup = path.join(dir, 'backup.sqlite');
    await backupSqlite(source, backup);
    const backupHash = fileHash(backup);
    const into = (name: string) => {
      mkdirSync(path.join(dir, name));
      return path.join(dir, name, 'intake.sqlite');
    };
    const timed = await runCli(['restore', '--from', backup, '--db', into('timed')]);
    expect(timed.code).toBe(0);

    let killed = 0;
    let midCopy = 0;
    const points = [...killPoints(timed.ms, 'copying pages', [1, 2, 3]), { text: 're-checking devices', nth: 1 }];
    for (const [index, at] of points.entries()) {
      const target = into(`restore-${index}`);
      const run = await runCli(['restore', '--from', backup, '--db', target], at);
      if (run.code === null) killed++;
      if (run.code === null && existsSync(`${target}.restoring.partial`)) midCopy++;
      if (!existsSync(target)) {
        expect(existsSync(`${target}-wal`)).toBe(false);
        // Run again: it clears the half-made copy beside the database and completes.
        const again = await runCli(['restore', '--from', backup, '--db', target]);
        expect(again.code, `${again.stderr} (after: ${readdirSync(path.dirname(target)).join(', ')})`).toBe(0);
      }
      await expectWhole(target, expected);
      expect(fileHash(backup)).toBe(backupHash);
    }
    expect(killed).toBeGreaterThan(0);
    // Kills landed in the middle of the copy: a restore writing into the database's own name would leave half a file there.
    expect(midCopy).toBeGreaterThan(0);
  }, 240_000);
});
