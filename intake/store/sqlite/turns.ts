import type { SqliteDb } from './sqliteDb';

/** Transactions committed together at most; a larger group would only delay the first answer. */
export const MAX_GROUP = 64;

type Job =
  | { kind: 'call'; work: () => Promise<unknown>; resolve: (value: unknown) => void; reject: (error: unknown) => void }
  | { kind: 'transaction'; work: () => Promise<unknown>; resolve: (value: unknown) => void; reject: (error: unknown) => void };
type TransactionJob = Extract<Job, { kind: 'transaction' }>;

/**
 * Turn-taking on one better-sqlite3 connection. Its statements are synchronous, so a transaction
 * that awaits between them would let any other caller's statement run inside it: while a
 * transaction is open (or waiting to open), every other call queues behind it; a call with
 * nothing ahead of it runs at once.
 *
 * Group commit: transactions waiting when one begins (the group starts after the event loop's
 * pending I/O callbacks, so transactions queued in the same turn are all there) share its BEGIN … COMMIT, each in a
 * savepoint of its own, so a burst of batches costs one fsync instead of one each (the connection
 * is `synchronous = FULL`: the fsync at COMMIT is most of an ingest's time on a real disk). Each
 * keeps its own all-or-nothing: a work that rejects is rolled back to its savepoint and rejects
 * alone. No work's promise resolves before the COMMIT that made it durable has returned, so an
 * answer sent on it survives a power cut; if the COMMIT fails, every work of the group rejects.
 */
export function createTurns(db: SqliteDb) {
  const jobs: Job[] = [];
  let running = false;

  async function runCall(job: Job): Promise<void> {
    try {
      job.resolve(await job.work());
    } catch (error) {
      job.reject(error);
    }
  }

  async function runGroup(group: TransactionJob[]): Promise<void> {
    db.exec('BEGIN IMMEDIATE');
    const settled: Array<() => void> = [];
    for (const [i, job] of group.entries()) {
      const savepoint = `group_${i}`;
      db.exec(`SAVEPOINT ${savepoint}`);
      try {
        const value = await job.work();
        db.exec(`RELEASE ${savepoint}`);
        settled.push(() => job.resolve(value));
      } catch (error) {
        if (!db.inTransaction) {
          // An error SQLite answers by rolling back the whole transaction (disk full, I/O): the
          // works before this one were lost with it; those after it start a group of their own.
          for (const earlier of group.slice(0, i)) earlier.reject(error);
          job.reject(error);
          jobs.unshift(...group.slice(i + 1));
          return;
        }
        db.exec(`ROLLBACK TO ${savepoint}`);
        db.exec(`RELEASE ${savepoint}`);
        settled.push(() => job.reject(error));
      }
    }
    try {
      db.exec('COMMIT');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      for (const job of group) job.reject(error);
      return;
    }
    for (const settle of settled) settle();
  }

  async function pump(): Promise<void> {
    try {
      while (jobs.length > 0) {
        const job = jobs.shift()!;
        if (job.kind === 'call') {
          await runCall(job);
          continue;
        }
        const group: TransactionJob[] = [job];
        while (group.length < MAX_GROUP && jobs[0]?.kind === 'transaction') group.push(jobs.shift() as TransactionJob);
        await runGroup(group);
      }
    } finally {
      running = false;
    }
  }

  function enqueue<T>(kind: Job['kind'], work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      jobs.push({ kind, work, resolve: resolve as (value: unknown) => void, reject });
      if (running) return;
      running = true;
      // After the I/O callbacks of this turn of the event loop: batches whose signature checks
      // finished in the same turn then queue their transactions in time to share the commit.
      setImmediate(() => void pump());
    });
  }

  return {
    /** A store call outside any transaction: at once when nothing is open or waiting, else in turn. */
    call<T>(work: () => Promise<T>): Promise<T> {
      // Nothing is queued while nothing runs: `running` covers the queue.
      return !running && !db.inTransaction ? work() : enqueue('call', work);
    },
    /** `work` inside a transaction, committed (durably) before its promise resolves. */
    transaction<T>(work: () => Promise<T>): Promise<T> {
      return enqueue('transaction', work);
    },
    /** `work` after everything queued before it (closing the connection). */
    last<T>(work: () => Promise<T>): Promise<T> {
      return enqueue('call', work);
    },
  };
}
