import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../scripts/pgTestDatabase';
import { startTcpRelay } from '../../testing/tcpRelay';
import { isDatabaseUnavailable } from '../unavailable';
import { openPostgresStore } from './postgresStore';

let database: { url: string; drop(): Promise<void> };
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('connecting to PostgreSQL', () => {
  it('waits for a busy pool as long as it takes, and gives up on a server that does not answer a new connection', async () => {
    const store = await openPostgresStore(database.url, { maxConnections: 1, connectTimeoutMs: 300 });
    try {
      // The one connection is busy for longer than the connect timeout: the next query waits its turn.
      const [slow, next] = await Promise.all([store.pool.query('SELECT pg_sleep(0.8)'), store.pool.query('SELECT 1 AS one')]);
      expect(slow.rowCount).toBe(1);
      expect(next.rows).toEqual([{ one: 1 }]);
    } finally {
      await store.close();
    }

    const target = new URL(database.url);
    const relay = await startTcpRelay(Number(target.port), target.hostname);
    try {
      relay.freeze();
      const viaRelay = new URL(database.url);
      viaRelay.port = String(relay.port);
      const started = Date.now();
      const refused = await openPostgresStore(viaRelay.toString(), { connectTimeoutMs: 300 }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(Date.now() - started).toBeLessThan(3000);
      expect(isDatabaseUnavailable(refused)).toBe(true);
    } finally {
      await relay.close();
    }
  }, 20_000);
});
