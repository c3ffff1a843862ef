import pg from 'pg';

/**
 * What every PostgreSQL store module works on: the pool outside a transaction, or the one pooled
 * client a transaction holds. Rows come back with int8 and numeric as JavaScript numbers (see
 * `INTAKE_TYPES`): every count and millisecond time the intake keeps fits in a double.
 */
export interface PgSql {
  rows<T>(text: string, params?: unknown[]): Promise<T[]>;
  row<T>(text: string, params?: unknown[]): Promise<T | undefined>;
  /** Runs a write; returns how many rows it touched. */
  run(text: string, params?: unknown[]): Promise<number>;
  /** Runs several statements all-or-nothing: in the open transaction, or in one of its own. */
  atomic<T>(work: (sql: PgSql) => Promise<T>): Promise<T>;
  /** True on a transaction's client (row locks taken there hold until it ends). */
  readonly inTransaction: boolean;
}

const INT8 = 20;
const NUMERIC = 1700;
const toNumber = (text: string) => Number(text);

/** node-postgres type parsers for the intake's pools: COUNT, SUM and BIGINT times read as numbers (the row types say number). */
export const INTAKE_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === NUMERIC ? toNumber : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

type Queryable = pg.Pool | pg.PoolClient;

function sqlOn(target: Queryable, inTransaction: boolean, begin: (work: (sql: PgSql) => Promise<unknown>) => Promise<unknown>): PgSql {
  const sql: PgSql = {
    inTransaction,
    async rows<T>(text: string, params: unknown[] = []) {
      return (await target.query(text, params)).rows as T[];
    },
    async row<T>(text: string, params: unknown[] = []) {
      return (await target.query(text, params)).rows[0] as T | undefined;
    },
    async run(text, params = []) {
      return (await target.query(text, params)).rowCount ?? 0;
    },
    atomic: <T>(work: (inner: PgSql) => Promise<T>) => (inTransaction ? work(sql) : (begin(work as (sql: PgSql) => Promise<unknown>) as Promise<T>)),
  };
  return sql;
}

/** Runs `work` on one pooled client between BEGIN and COMMIT (ROLLBACK when it rejects). */
export async function inTransaction<T>(pool: pg.Pool, work: (sql: PgSql) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    try {
      const result = await work(clientSql(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw error;
    }
  } finally {
    // A client whose rollback failed is in an unknown state: the pool drops it instead of reusing it.
    client.release(broken);
  }
}

export function poolSql(pool: pg.Pool): PgSql {
  return sqlOn(pool, false, (work) => inTransaction(pool, work));
}

export function clientSql(client: pg.PoolClient): PgSql {
  return sqlOn(client, true, () => Promise.reject(new Error('unreachable: a transaction client runs atomic work in place')));
}
