import pg from 'pg';

/**
 * What every PostgreSQL store module works on: the pool outside a transaction, or the one pooled
 * client a transaction holds. Rows come back with int8 and numeric as JavaScript numbers (see
 * `INTAKE_TYPES`): every count and millisecond time the intake keeps fits in a double.
 */
export interface PgSql {
  /**
   * `name` makes the statement a prepared one on each connection that runs it (node-postgres
   * prepares it at its first use there): the server plans it once instead of at every call, which
   * for ingest's statements over every outcome partition costs more than running them. One name,
   * one text.
   */
  rows<T>(text: string, params?: unknown[], name?: string): Promise<T[]>;
  row<T>(text: string, params?: unknown[], name?: string): Promise<T | undefined>;
  /** Runs a write; returns how many rows it touched. */
  run(text: string, params?: unknown[], name?: string): Promise<number>;
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
  const query = (text: string, values: unknown[], name: string | undefined) => (name === undefined ? target.query(text, values) : target.query({ name, text, values }));
  const sql: PgSql = {
    inTransaction,
    async rows<T>(text: string, params: unknown[] = [], name?: string) {
      return (await query(text, params, name)).rows as T[];
    },
    async row<T>(text: string, params: unknown[] = [], name?: string) {
      return (await query(text, params, name)).rows[0] as T | undefined;
    },
    async run(text, params = [], name) {
      return (await query(text, params, name)).rowCount ?? 0;
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
