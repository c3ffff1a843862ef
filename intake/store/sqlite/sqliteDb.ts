import type Database from 'better-sqlite3';

/** The better-sqlite3 connection every SQLite store module works on. */
export type SqliteDb = Database.Database;
