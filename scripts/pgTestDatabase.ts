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
