import type { SqliteDb } from './sqliteDb';

/**
 * Runs a write whose loss in a power cut is acceptable — abuse counters, nonces, feed tickets —
 * without waiting for the disk: the connection is `synchronous = FULL` (an acknowledged outcome
 * must survive a power cut), which costs an fsync per commit on the event loop; in WAL mode
 * `NORMAL` still survives a crash of the process. Inside an open transaction the write simply
 * commits with it.
 */
export function relaxedDurability<T>(db: SqliteDb, write: () => T): T {
  if (db.inTransaction) return write();
  db.pragma('synchronous = NORMAL');
  try {
    return write();
  } finally {
    db.pragma('synchronous = FULL');
  }
}
