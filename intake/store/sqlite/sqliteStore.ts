import Database from 'better-sqlite3';
import type { IntakeData, IntakeStore } from '../store';
import { sqliteDashboard } from './dashboard';
import { sqliteDevices } from './devices';
import { sqliteFollowups } from './followups';
import { sqliteIngest } from './ingest';
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
import { createTurns } from './turns';

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
 * The embedded engine: one better-sqlite3 connection, callers taking turns on it and transactions
 * waiting together committed together (turns.ts).
 */
export function openSqliteStore(file: string): SqliteStore {
  const db = openSqliteDb(file);
  const rowData: Omit<IntakeData, 'ingest'> = {
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
  const data: IntakeData = { ...rowData, ingest: sqliteIngest(rowData) };

  const turns = createTurns(db);

  /** The same concern stores, each method taking its turn. */
  const outside = Object.fromEntries(
    Object.entries(data).map(([concern, methods]) => [
      concern,
      Object.fromEntries(
        Object.entries(methods as Record<string, (...args: unknown[]) => Promise<unknown>>).map(([name, method]) => [
          name,
          (...args: unknown[]) => turns.call(() => method(...args)),
        ]),
      ),
    ]),
  ) as unknown as IntakeData;

  return {
    ...outside,
    engine: 'sqlite',
    db,
    transaction: <T>(work: (tx: IntakeData) => Promise<T>) => turns.transaction(() => work(data)),
    close: () =>
      turns.last(async () => {
        db.close();
      }),
  };
}
