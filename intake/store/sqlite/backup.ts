import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface BackupProgress {
  totalPages: number;
  remainingPages: number;
}

/** Pages copied per step of the online backup: small enough that the intake's writes go on between steps. */
const PAGES_PER_STEP = 1000;
/** Every page left, in one step (better-sqlite3 takes at most 2^31 - 1). */
const ALL_PAGES = 0x7fffffff;

/** Makes a file's contents and its name in the directory survive a power cut. */
function syncFileAndDirectory(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const dir = openSync(path.dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * An online backup of the intake's SQLite file while the intake runs (SQLite's backup API over a
 * connection of its own: the copy is one consistent snapshot, the intake's writes go on between
 * steps, and after the first restart they caused, during the one step that copies the rest).
 * Written beside the destination first and renamed into place only when complete and on disk,
 * owner-only: a backup interrupted at any moment leaves no file that looks whole.
 */
export async function backupSqlite(dbFile: string, toFile: string, onProgress: (progress: BackupProgress) => void = () => undefined): Promise<BackupProgress> {
  if (!existsSync(dbFile)) throw new Error(`no database at ${dbFile}`);
  if (existsSync(toFile)) throw new Error(`${toFile} exists already: a backup never overwrites a file`);
  const partial = `${toFile}.partial`;
  rmSync(partial, { force: true });
  const source = new Database(dbFile, { readonly: true, fileMustExist: true });
  let last: BackupProgress;
  try {
    // Owner-only from the first byte: SQLite writes into the empty file made here.
    closeSync(openSync(partial, 'wx', 0o600));
    // A write by another connection between steps makes SQLite start the copy again from its
    // first page; under steady ingest that never ended (a reviewer's 400 MB backup ran 70 s and
    // more at 1,500 outcomes/s). Once it has started again, the rest goes in one step: one read
    // snapshot, which the intake's writes in WAL mode do not wait for.
    let remaining = Number.POSITIVE_INFINITY;
    let restarted = false;
    last = await source.backup(partial, {
      progress: (progress) => {
        if (progress.remainingPages > remaining) restarted = true;
        remaining = progress.remainingPages;
        onProgress(progress);
        return restarted ? ALL_PAGES : PAGES_PER_STEP;
      },
    });
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    source.close();
  }
  syncFileAndDirectory(partial);
  renameSync(partial, toFile);
  syncFileAndDirectory(toFile);
  return last;
}

/** SQLite's own check of a file's structure: 'ok', or what is wrong. */
export function integrityCheck(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((row) => row.integrity_check);
  } finally {
    db.close();
  }
}

/** Every device that has stored outcomes, for a re-check of the whole file. */
export function devicesWithOutcomes(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT DISTINCT device_id FROM outcomes ORDER BY device_id').all() as Array<{ device_id: string }>).map((row) => row.device_id);
  } finally {
    db.close();
  }
}

/**
 * Puts a backup in place as the intake's database: copied beside the destination, checked by
 * `accept` there (SQLite's structure check and the intake's integrity re-check), and renamed
 * into place only if it passes. Never over an existing database: the operator moves that aside
 * first, so a restore cannot destroy the last copy of anything.
 */
export async function restoreSqlite(
  fromFile: string,
  dbFile: string,
  accept: (candidate: string) => Promise<void>,
  onProgress: (progress: BackupProgress) => void = () => undefined,
): Promise<void> {
  if (!existsSync(fromFile)) throw new Error(`no backup at ${fromFile}`);
  for (const file of [dbFile, `${dbFile}-wal`]) {
    if (existsSync(file)) throw new Error(`${file} exists: move the current database aside before restoring over it`);
  }
  const structure = integrityCheck(fromFile);
  if (structure.join() !== 'ok') throw new Error(`the backup is damaged: ${structure.slice(0, 5).join('; ')}`);
  const candidate = `${dbFile}.restoring`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${candidate}${suffix}`, { force: true });
  // The backup API again: the copy is a database of its own, never a half-copied file.
  await backupSqlite(fromFile, candidate, onProgress);
  try {
    await accept(candidate);
  } catch (error) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${candidate}${suffix}`, { force: true });
    throw error;
  }
  // Whatever the check wrote (migrations of an older backup) goes into the file itself, so the
  // database is one file when it moves into place.
  const db = new Database(candidate, { fileMustExist: true });
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
  renameSync(candidate, dbFile);
  syncFileAndDirectory(dbFile);
}
