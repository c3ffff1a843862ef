import pg from 'pg';
import { poolSql } from './pgSql';
import { hasIntakeSchema } from './schemaCheck';

/** Every device that has stored outcomes in the database at `url`, for a re-check of all of it (after pg_restore). */
export async function pgDevicesWithOutcomes(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ device_id: string }>('SELECT DISTINCT device_id FROM outcomes ORDER BY device_id');
    return rows.map((row) => row.device_id);
  } finally {
    await client.end();
  }
}

/** Whether the database at `url` holds an intake's schema (schemaCheck.ts), read without migrating it. */
export async function pgHasIntakeSchema(url: string): Promise<boolean> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    return await hasIntakeSchema(poolSql(pool));
  } finally {
    await pool.end();
  }
}
