import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { openPostgresStore, type PostgresStore } from '../intake/store/postgres/postgresStore';

/**
 * A fresh database in the run's PostgreSQL cluster (scripts/pgTestSetup.ts), for one test file or
 * one test. Throws, so the test fails, when the cluster did not start: a PostgreSQL test never skips.
 */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const cluster = inject('pgCluster');
  if ('error' in cluster) throw new Error(cluster.error);
  const name = `t_${randomBytes(8).toString('hex')}`;
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(cluster.url);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: cluster.url });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * Empties every table of a migrated intake database, keeping the schema, so tests of one file can
 * share its database. Triggers are off for the reset only (the ticket action log refuses TRUNCATE).
 */
export async function emptyDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>("SELECT format('%I', tablename) AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'");
    await client.query(`BEGIN; SET LOCAL session_replication_role = replica; TRUNCATE ${rows.map((r) => r.name).join(', ')} RESTART IDENTITY; COMMIT`);
  } finally {
    await client.end();
  }
}

/**
 * A migrated PostgreSQL store on a fresh database of the run's cluster, for the tests of one file:
 * opened before them, closed and the database dropped after. Read `store` and `url` inside tests.
 */
export function postgresStoreForFile(): { readonly store: PostgresStore; readonly url: string } {
  let database: { url: string; drop(): Promise<void> } | undefined;
  let store: PostgresStore | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    store = await openPostgresStore(database.url);
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });
  const opened = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the PostgreSQL store is opened in beforeAll: read it inside a test');
    return value;
  };
  return {
    get store() {
      return opened(store);
    },
    get url() {
      return opened(database).url;
    },
  };
}
