import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../scripts/pgTestDatabase';
import { INTAKE_TYPES, poolSql } from '../pgSql';
import { INTAKE_TABLES, missingSchemaParts } from '../schemaCheck';
import { migrate, PG_SCHEMA_VERSION } from './index';

let database: { url: string; drop(): Promise<void> };
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** A query over the bodies as a parallel plan runs it: every plan with parallel workers, however small the table. */
const PARALLEL = ['SET force_parallel_mode = on', 'SET parallel_setup_cost = 0', 'SET parallel_tuple_cost = 0', 'SET min_parallel_table_scan_size = 0', 'SET max_parallel_workers_per_gather = 2'];

describe('PostgreSQL schema steps', () => {
  it('step 12: a parallel plan over the bodies no longer fails in intake_json, as it did on step 11', async () => {
    const pool = new pg.Pool({ connectionString: database.url, types: INTAKE_TYPES, max: 2 });
    try {
      const sql = poolSql(pool);
      await migrate(sql, 11);
      const client = await pool.connect();
      try {
        for (const setting of PARALLEL) await client.query(setting);
        await client.query(`CREATE TABLE parallel_probe AS SELECT json_build_object('event', 'closed', 'n', g)::TEXT AS body FROM generate_series(1, 1000) g`);
        const count = "SELECT count(*) AS n FROM parallel_probe WHERE intake_json(body) ->> 'event' = 'closed'";
        await expect(client.query(count)).rejects.toThrow(/cannot start subtransactions during a parallel operation/);
        // The index on it as pg_restore builds it, with workers once a partition is large enough.
        await client.query('SET min_parallel_table_scan_size = 0');
        await client.query('SET max_parallel_maintenance_workers = 2');
        const index = "CREATE INDEX parallel_probe_event ON parallel_probe ((intake_json(body) ->> 'event'))";
        await expect(client.query(index)).rejects.toThrow(/cannot start subtransactions during a parallel operation/);
        await migrate(sql);
        expect((await client.query(count)).rows).toEqual([{ n: 1000 }]);
        await client.query(index);
        await client.query('DROP TABLE parallel_probe');
      } finally {
        client.release();
      }
    } finally {
      await pool.end();
    }
  });

  it('names what a schema lacks: nothing when whole, a dropped trigger, a dropped primary key', async () => {
    const pool = new pg.Pool({ connectionString: database.url, types: INTAKE_TYPES, max: 1 });
    try {
      const sql = poolSql(pool);
      await migrate(sql);
      expect(await missingSchemaParts(sql)).toEqual([]);
      // The list it checks is every table the steps make.
      const tables = await sql.rows<{ name: string }>(
        "SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1",
      );
      expect(tables.map((t) => t.name)).toEqual([...INTAKE_TABLES].sort());
      // Someone else's table in the schema is none of its business.
      await sql.run('CREATE TABLE dba_notes (note TEXT)');
      await sql.run('DROP TRIGGER ticket_actions_no_change ON ticket_actions');
      await sql.run('ALTER TABLE request_nonces DROP CONSTRAINT request_nonces_pkey');
      await sql.run('DROP TABLE late_flags');
      expect(await missingSchemaParts(sql)).toEqual(['table late_flags is missing', 'table request_nonces has no primary key', 'trigger ticket_actions_no_change is missing']);
    } finally {
      await pool.end();
    }
  });

  it('refuses a database a newer intake migrated, and changes nothing in it', async () => {
    const pool = new pg.Pool({ connectionString: database.url, types: INTAKE_TYPES, max: 1 });
    try {
      const sql = poolSql(pool);
      await migrate(sql);
      await sql.run('INSERT INTO schema_migrations (version) VALUES ($1)', [PG_SCHEMA_VERSION + 1]);
      await expect(migrate(sql)).rejects.toThrow(`the database was migrated by a newer intake (schema step ${PG_SCHEMA_VERSION + 1}; this intake knows ${PG_SCHEMA_VERSION})`);
      expect(await sql.rows('SELECT max(version) AS v FROM schema_migrations')).toEqual([{ v: PG_SCHEMA_VERSION + 1 }]);
    } finally {
      await pool.end();
    }
  });
});
