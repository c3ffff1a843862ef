import type { SqliteDb } from '../sqliteDb';

/** The tables whose rows stand for a rating: a device's outcome, or (from this step) a phone rating. */
const TABLES = ['followups', 'tickets', 'forward_queue'] as const;
const TO_OUTCOMES = / REFERENCES outcomes \(id\)/;

/**
 * A phone 差评 opens its follow-up and ticket, and every phone rating is queued for the province
 * (issue 24), keyed by the phone rating's id as a device rating is keyed by its outcome id: the
 * follow-ups, tickets and forwarding queue lose their foreign key to `outcomes` (the rating is in
 * `outcomes` or `phone_ratings`). SQLite cannot drop a constraint, so each table is rebuilt the
 * way its ALTER TABLE page says (new table, copy, drop, rename, indexes and triggers again), with
 * foreign keys off around the step (migrations/index.ts) and checked at its end.
 * Released: never edited; a change is a new step.
 */
export function step022(db: SqliteDb): void {
  for (const table of TABLES) {
    const created = db.prepare<[string], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
    if (!created || !TO_OUTCOMES.test(created.sql)) throw new Error(`migration 022: ${table} is not as step 3, 17 or 18 left it`);
    // Indexes and triggers go with the table; the ones made by a statement (not by a constraint) are made again.
    const dependents = db.prepare<[string], { sql: string }>("SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL").all(table);
    const rebuilt = `${table}_022`;
    db.exec(created.sql.replace(TO_OUTCOMES, '').replace(/^CREATE TABLE "?\w+"?/, `CREATE TABLE ${rebuilt}`));
    db.exec(`INSERT INTO ${rebuilt} SELECT * FROM ${table}; DROP TABLE ${table}; ALTER TABLE ${rebuilt} RENAME TO ${table};`);
    for (const { sql } of dependents) db.exec(sql);
  }
  const broken = db.prepare('PRAGMA foreign_key_check').all();
  if (broken.length > 0) throw new Error(`migration 022: ${broken.length} rows break a foreign key`);
}
