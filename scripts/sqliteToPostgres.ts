import type pg from 'pg';
import type { SqliteDb } from '../intake/store/sqlite/sqliteDb';

type PgType = 'text' | 'bigint' | 'int' | 'bool';

/** A table both engines hold with the same column names; `position` is SQLite's rowid. */
interface TableCopy {
  table: string;
  columns: Array<[name: string, type: PgType]>;
}

const text = (...names: string[]) => names.map((name): [string, PgType] => [name, 'text']);
const ints = (...names: string[]) => names.map((name): [string, PgType] => [name, 'int']);
const COUNTS = ints('total', 'l1', 'l2', 'l3', 'l4', 'l5', 'unrated', 'declined', 'f_opened', 'f_closed', 'f_closed_late');

/** What the dashboard reads, in the order foreign keys need. */
const DASHBOARD_TABLES: TableCopy[] = [
  { table: 'outcome_ids', columns: [['id', 'text'], ['received_at', 'bigint']] },
  {
    table: 'outcomes',
    columns: [
      ['id', 'text'],
      ['position', 'bigint'],
      ['device_id', 'text'],
      ['seq', 'bigint'],
      ['body_hash', 'text'],
      ['body', 'text'],
      ['received_at', 'bigint'],
      ['outcome', 'text'],
      ['level', 'int'],
      ...text('rated_at', 'hall_code', 'window_no', 'staff_login', 'dept_name', 'task_code', 'chain_hash', 'prev_hash', 'flags'),
      ['trusted', 'bool'],
      ...text('invitation_id', 'amends_id', 'amends_kind', 'merge'),
    ],
  },
  {
    table: 'followups',
    columns: [['outcome_id', 'text'], ['class', 'text'], ['opened_at', 'bigint'], ['due_at', 'bigint'], ['closed_at', 'bigint'], ['note', 'text'], ['counted_on_ingest', 'bool']],
  },
  { table: 'dashboard_daily', columns: [...text('hall_code', 'dim', 'day', 'key', 'label'), ...COUNTS] },
  { table: 'dashboard_monthly', columns: [...text('hall_code', 'dim', 'month', 'key', 'label'), ...COUNTS] },
  { table: 'dashboard_words', columns: [...text('hall_code', 'polarity', 'day', 'word'), ['n', 'int']] },
  { table: 'dashboard_comments', columns: text('outcome_id', 'hall_code', 'rated_at', 'polarity', 'comment') },
];

/** The SQLite expression that reads a column (outcome_ids is the outcomes' own id and time there). */
const sqliteSource = (copy: TableCopy) => (copy.table === 'outcome_ids' ? 'outcomes' : copy.table);
const sqliteColumn = (name: string) => (name === 'position' ? 'rowid AS position' : name);

/**
 * Copies the dashboard's tables of an intake SQLite file into a migrated, empty PostgreSQL intake
 * database, a page at a time (one INSERT … SELECT FROM unnest per page), with triggers off so the
 * follow-up counts are not counted twice (they are copied as SQLite counted them). Returns rows copied per table.
 */
export async function copyDashboardTables(db: SqliteDb, pool: pg.Pool, pageSize = 5000, onPage: (table: string, done: number) => void = () => undefined): Promise<Record<string, number>> {
  const copied: Record<string, number> = {};
  const client = await pool.connect();
  try {
    await client.query('SET session_replication_role = replica');
    for (const copy of DASHBOARD_TABLES) {
      const names = copy.columns.map(([name]) => name);
      const rows = db.prepare<[], Record<string, unknown>>(`SELECT ${names.map(sqliteColumn).join(', ')} FROM ${sqliteSource(copy)}`).iterate();
      const insert = `INSERT INTO ${copy.table} (${names.join(', ')}) SELECT * FROM unnest(${copy.columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})`;
      const flush = async (batch: Array<Record<string, unknown>>) => {
        await client.query(
          insert,
          copy.columns.map(([name, type]) => batch.map((row) => (type === 'bool' ? row[name] === 1 : row[name]))),
        );
        done += batch.length;
        onPage(copy.table, done);
      };
      let done = 0;
      let batch: Array<Record<string, unknown>> = [];
      for (const row of rows) {
        batch.push(row);
        if (batch.length === pageSize) {
          await flush(batch);
          batch = [];
        }
      }
      if (batch.length > 0) await flush(batch);
      copied[copy.table] = done;
    }
    // Later outcomes take positions after the copied ones.
    await client.query("SELECT setval('outcome_position', GREATEST((SELECT max(position) FROM outcomes), 1))");
    await client.query('SET session_replication_role = DEFAULT');
    await client.query('ANALYZE');
  } finally {
    client.release();
  }
  return copied;
}
