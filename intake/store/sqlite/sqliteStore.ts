import Database from 'better-sqlite3';
import type { IntakeData, IntakeStore } from '../store';
import { sqliteDashboard } from './dashboard';
import { sqliteDevices } from './devices';
import { sqliteFollowups } from './followups';
import { sqliteIntegrity } from './integrity';
import { sqliteInvitations } from './invitations';
import { migrate } from './migrations';
import { sqliteOutcomes } from './outcomes';
import { sqlitePairing } from './pairing';
import { sqliteRequests } from './requests';
import { sqliteSealingKeys } from './sealingKeys';
import { sqliteThrottles } from './throttles';
import { sqliteFleet } from './fleet';
import { sqliteForwarding } from './forwarding';
import { sqliteTickets } from './tickets';
import { sqlitePhone } from './phone';
import type { SqliteDb } from './sqliteDb';

/** Opens (creating and migrating as needed) the intake's SQLite file, durable at every commit. */
export function openSqliteDb(file: string): SqliteDb {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // An acknowledged outcome must survive a power cut or kill -9 of the server.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

export interface SqliteStore extends IntakeStore {
  /** The connection itself, for tools and tests that read or alter the file directly. */
  readonly db: SqliteDb;
}

/**
 * The embedded engine: one better-sqlite3 connection. Its statements are synchronous, so a
 * transaction that awaits between them would let any other caller's statement run inside it;
 * callers therefore take turns: while a transaction is open (or waiting to open), every other
 * call queues behind it. A call with nothing ahead of it runs at once.
 */
export function openSqliteStore(file: string): SqliteStore {
  const db = openSqliteDb(file);
  const data: IntakeData = {
    devices: sqliteDevices(db),
    outcomes: sqliteOutcomes(db),
    integrity: sqliteIntegrity(db),
    invitations: sqliteInvitations(db),
    pairing: sqlitePairing(db),
    followups: sqliteFollowups(db),
    dashboard: sqliteDashboard(db),
    sealingKeys: sqliteSealingKeys(db),
    requests: sqliteRequests(db),
    throttles: sqliteThrottles(db),
    fleet: sqliteFleet(db),
    tickets: sqliteTickets(db),
    forwarding: sqliteForwarding(db),
    phone: sqlitePhone(db),
  };

  let queue: Promise<unknown> = Promise.resolve();
  let queued = 0;
  const enqueue = <T>(work: () => Promise<T>): Promise<T> => {
    queued++;
    const result = queue.then(() => {
      queued--;
      return work();
    });
    queue = result.catch(() => undefined);
    return result;
  };
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => (queued === 0 && !db.inTransaction ? work() : enqueue(work));

  /** The same concern stores, each method taking its turn. */
  const outside = Object.fromEntries(
    Object.entries(data).map(([concern, methods]) => [
      concern,
      Object.fromEntries(
        Object.entries(methods as Record<string, (...args: unknown[]) => Promise<unknown>>).map(([name, method]) => [
          name,
          (...args: unknown[]) => inTurn(() => method(...args)),
        ]),
      ),
    ]),
  ) as unknown as IntakeData;

  return {
    ...outside,
    engine: 'sqlite',
    db,
    transaction: <T>(work: (tx: IntakeData) => Promise<T>) =>
      enqueue(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await work(data);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      }),
    close: () =>
      enqueue(async () => {
        db.close();
      }),
  };
}
