import pg from 'pg';
import type { IntakeData, IntakeStore } from '../store';
import { pgDashboard } from './dashboard';
import { pgDevices } from './devices';
import { pgFleet } from './fleet';
import { pgFollowups } from './followups';
import { pgForwarding } from './forwarding';
import { pgIngest } from './ingest';
import { pgIntegrity } from './integrity';
import { pgInvitations } from './invitations';
import { migrate } from './migrations';
import { foldCountShards } from './countShardFold';
import { ensureOutcomePartitions } from './outcomePartitions';
import { pgOutcomes } from './outcomes';
import { pgPairing } from './pairing';
import { pgPhone } from './phone';
import { INTAKE_TYPES, poolSql, type PgSql } from './pgSql';
import { pgRequests } from './requests';
import { pgSealingKeys } from './sealingKeys';
import { pgThrottles } from './throttles';
import { pgTickets } from './tickets';
import { missingSchemaParts } from './schemaCheck';

function dataOn(sql: PgSql): IntakeData {
  return {
    devices: pgDevices(sql),
    outcomes: pgOutcomes(sql),
    ingest: pgIngest(sql),
    integrity: pgIntegrity(sql),
    invitations: pgInvitations(sql),
    pairing: pgPairing(sql),
    followups: pgFollowups(sql),
    dashboard: pgDashboard(sql),
    sealingKeys: pgSealingKeys(sql),
    requests: pgRequests(sql),
    throttles: pgThrottles(sql),
    fleet: pgFleet(sql),
    tickets: pgTickets(sql),
    forwarding: pgForwarding(sql),
    phone: pgPhone(sql),
  };
}

export interface PostgresStore extends IntakeStore {
  /** The connection pool, for tools and tests that read the database directly. */
  readonly pool: pg.Pool;
}

export interface PostgresStoreOptions {
  /** Connections this node keeps at most (default 10). */
  maxConnections?: number;
  /** The clock partitions are made ahead from (default Date.now). */
  now?: () => number;
  /** Where upkeep that runs on its own (the count shards' fold) says it failed. */
  log?: (message: string) => void;
  /** How long a new connection to the server may take before the server counts as unavailable (default 5000 ms). */
  connectTimeoutMs?: number;
}

const DAY_MS = 86_400_000;
/** How often a node folds the count shards of periods that are over (countShardFold.ts). */
const FOLD_EVERY_MS = 3_600_000;

/**
 * The network engine: a node-postgres pool on one database that several intake nodes share.
 * Calls outside a transaction take any pooled connection and commit on their own;
 * `transaction` holds one client between BEGIN and COMMIT (READ COMMITTED, with the row locks
 * and conditional writes each store module takes where two nodes could race). Opening migrates
 * the schema and makes the outcome partitions of the months around now; a daily timer keeps
 * making the months ahead.
 */
/**
 * Errors of a transaction that met another one rather than of its own work: a unique key another
 * transaction committed first (a check-then-insert that both passed, as two phone ratings of one
 * case stage arriving together), a serialization failure or a deadlock. SQLite never runs two
 * transactions at once; here the whole work runs again, then seeing the other's rows.
 */
const CLASH_CODES = new Set(['23505', '40001', '40P01']);
const CLASH_ATTEMPTS = 5;
const isClash = (error: unknown) => typeof error === 'object' && error !== null && CLASH_CODES.has((error as { code?: unknown }).code as string);

export async function openPostgresStore(connectionString: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const now = options.now ?? Date.now;
  // A server that does not answer a new connection within 5 s is unavailable (503), not waited on
  // for as long as the operating system keeps trying. Set on the clients only: the pool's own
  // connectionTimeoutMillis would also end a wait for a busy pool's next free client, and a busy
  // database is no unavailable one.
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  class TimedClient extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super({ ...(typeof config === 'string' ? { connectionString: config } : config), connectionTimeoutMillis: connectTimeoutMs });
    }
  }
  const pool = new pg.Pool({ connectionString, max: options.maxConnections ?? 10, types: INTAKE_TYPES, keepAlive: true, Client: TimedClient });
  // An idle client that loses its server emits here; without a listener the process would die.
  pool.on('error', () => undefined);
  // Ingest's statements are named (prepared once per connection) and the server's default plan
  // cache mode decides per statement between its generic and custom plans. Forcing generic plans
  // (as this did) froze plans made while the tables were empty: on a new database the batch facts
  // read scanned every stored outcome for each batch until the next autoanalyze, and ingest fell
  // to 1,300-1,550 outcomes/s where the default gives about 2,000-2,500 (npm run bench -- --only ingest).
  const outside = poolSql(pool);
  try {
    await migrate(outside);
    const missing = await missingSchemaParts(outside);
    if (missing.length > 0) {
      const named = `${missing.slice(0, 3).join('; ')}${missing.length > 3 ? `; and ${missing.length - 3} more` : ''}`;
      throw new Error(`the database is not a whole intake schema (${named}): a restore that stopped before its end? Restore again into a new database`);
    }
    await ensureOutcomePartitions(outside, now(), 1, 3);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const partitionTimer = setInterval(
    () => void ensureOutcomePartitions(outside, now(), 0, 3).catch((error: Error) => options.log?.(`intake: making the next months' outcome partitions failed (tried again in a day): ${error.message}`)),
    DAY_MS,
  );
  partitionTimer.unref();
  // A fold skips what writers hold; should one fail, the next runs at the next turn. The first
  // runs a minute after start, so a node restarted more often than hourly still folds.
  const fold = () => void foldCountShards(outside, now()).catch((error: Error) => options.log?.(`intake: folding the dashboard count shards failed: ${error.message}`));
  const firstFold = setTimeout(fold, 60_000);
  firstFold.unref();
  const foldTimer = setInterval(fold, FOLD_EVERY_MS);
  foldTimer.unref();

  return {
    ...dataOn(outside),
    engine: 'postgres',
    pool,
    async transaction<T>(work: (tx: IntakeData) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await outside.atomic((sql) => work(dataOn(sql)));
        } catch (error) {
          if (attempt >= CLASH_ATTEMPTS || !isClash(error)) throw error;
          // After a short random wait the work runs again and sees what the other transaction committed.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
        }
      }
    },
    async close() {
      clearInterval(partitionTimer);
      clearTimeout(firstFold);
      clearInterval(foldTimer);
      await pool.end();
    },
  };
}


