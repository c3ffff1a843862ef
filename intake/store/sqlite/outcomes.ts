import { OUTCOME_COLUMNS } from '../../integrity/storedOutcome';
import type { OutcomeStore, StoredOutcomeRow } from '../store';
import type { SqliteDb } from './sqliteDb';

export function sqliteOutcomes(db: SqliteDb): OutcomeStore {
  const bodyHash = db.prepare<[string], { body_hash: string }>('SELECT body_hash FROM outcomes WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO outcomes (id, device_id, body_hash, body, received_at, trusted, ${OUTCOME_COLUMNS.join(', ')})
     VALUES (@id, @device_id, @body_hash, @body, @received_at, @trusted, ${OUTCOME_COLUMNS.map((column) => `@${column}`).join(', ')})`,
  );
  const atSeq = db.prepare<[string, number], { id: string; chain_hash: string | null; prev_hash: string | null }>(
    'SELECT id, chain_hash, prev_hash FROM outcomes WHERE device_id = ? AND seq = ?',
  );
  const maxSeq = db.prepare<[string], { m: number | null }>('SELECT MAX(seq) AS m FROM outcomes WHERE device_id = ?');
  const count = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM outcomes WHERE device_id = ?');
  const list = db.prepare<[string], { id: string; seq: number }>('SELECT id, seq FROM outcomes WHERE device_id = ? ORDER BY seq');
  const ofDevice = db.prepare<[string, string], { id: string }>('SELECT id FROM outcomes WHERE id = ? AND device_id = ?');
  const addLateFlag = db.prepare(
    `INSERT INTO late_flags (outcome_id, flag, count, received_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (outcome_id, flag) DO UPDATE SET count = MAX(count, excluded.count)`,
  );
  const gaps = db.prepare<[string], { from_seq: number; to_seq: number }>(
    `SELECT prev + 1 AS from_seq, seq - 1 AS to_seq FROM (
       SELECT seq, LAG(seq, 1, 0) OVER (ORDER BY seq) AS prev FROM (SELECT DISTINCT seq FROM outcomes WHERE device_id = ?)
     ) WHERE seq > prev + 1 ORDER BY seq`,
  );
  // Pages follow (received_at, id), so a page boundary never skips or repeats an outcome.
  const exportPage = db.prepare<[number, string, number, number, number], { id: string; received_at: number; body: string }>(
    'SELECT id, received_at, body FROM outcomes WHERE (received_at, id) > (?, ?) AND received_at >= ? AND received_at < ? ORDER BY received_at, id LIMIT ?',
  );
  // In chain order along the (device_id, seq) index; rowid breaks ties between forked rows.
  const chainRowsAfter = db.prepare<[string, number, number, number], Omit<StoredOutcomeRow, 'bodyHash' | 'receivedAt'> & { body_hash: string; received_at: number }>(
    `SELECT rowid AS position, id, body, body_hash, received_at, ${OUTCOME_COLUMNS.join(', ')}
       FROM outcomes WHERE device_id = ? AND (seq, rowid) > (?, ?) ORDER BY seq, rowid LIMIT ?`,
  );

  return {
    async bodyHash(id) {
      return bodyHash.get(id)?.body_hash;
    },
    async insert(row) {
      insert.run({ id: row.id, device_id: row.deviceId, body_hash: row.bodyHash, body: row.body, received_at: row.receivedAt, trusted: row.trusted ? 1 : 0, ...row.columns });
    },
    async atSeq(deviceId, seq) {
      const row = atSeq.get(deviceId, seq);
      return row && { id: row.id, chainHash: row.chain_hash, prevHash: row.prev_hash };
    },
    async maxSeq(deviceId) {
      return maxSeq.get(deviceId)?.m ?? 0;
    },
    async count(deviceId) {
      return count.get(deviceId)?.n ?? 0;
    },
    async list(deviceId) {
      return list.all(deviceId);
    },
    async isOfDevice(id, deviceId) {
      return ofDevice.get(id, deviceId) !== undefined;
    },
    async addLateFlag(outcomeId, flag, n, receivedAt) {
      addLateFlag.run(outcomeId, flag, n, receivedAt);
    },
    async gaps(deviceId) {
      return gaps.all(deviceId).map((g) => ({ fromSeq: g.from_seq, toSeq: g.to_seq }));
    },
    async exportPage(after, from, to, limit) {
      return exportPage.all(after.receivedAt, after.id, from, to, limit).map((r) => ({ id: r.id, receivedAt: r.received_at, body: r.body }));
    },
    async chainRowsAfter(deviceId, after, limit) {
      return chainRowsAfter.all(deviceId, after.seq, after.position, limit).map(({ body_hash, received_at, ...row }) => ({ ...row, bodyHash: body_hash, receivedAt: received_at }));
    },
  };
}
