import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

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
