import type { MergeState, MergeView } from '../../ingest/mergeRules';
import { OUTCOME_COLUMNS } from '../../integrity/storedOutcome';
import type { OutcomeStore, StoredOutcomeRow } from '../store';
import type { SqliteDb } from './sqliteDb';

export function sqliteOutcomes(db: SqliteDb): OutcomeStore {
  const bodyHash = db.prepare<[string], { body_hash: string }>('SELECT body_hash FROM outcomes WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO outcomes (id, device_id, body_hash, body, received_at, trusted, merge, ${OUTCOME_COLUMNS.join(', ')})
     VALUES (@id, @device_id, @body_hash, @body, @received_at, @trusted, @merge, ${OUTCOME_COLUMNS.map((column) => `@${column}`).join(', ')})`,
  );
  const atSeq = db.prepare<[string, number], { id: string; chain_hash: string | null; prev_hash: string | null }>(
    'SELECT id, chain_hash, prev_hash FROM outcomes WHERE device_id = ? AND seq = ?',
  );
  const maxSeq = db.prepare<[string], { m: number | null }>('SELECT MAX(seq) AS m FROM outcomes WHERE device_id = ?');
  const count = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM outcomes WHERE device_id = ?');
  const list = db.prepare<[string, number, number, number], { id: string; seq: number; position: number; merge: MergeState; amends_id: string | null; amends_kind: string | null }>(
    'SELECT id, seq, rowid AS position, merge, amends_id, amends_kind FROM outcomes WHERE device_id = ? AND (seq, rowid) > (?, ?) ORDER BY seq, rowid LIMIT ?',
  );
  const ofDevice = db.prepare<[string, string], { id: string }>('SELECT id FROM outcomes WHERE id = ? AND device_id = ?');
  const addLateFlag = db.prepare(
    `INSERT INTO late_flags (outcome_id, flag, count, received_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (outcome_id, flag) DO UPDATE SET count = MAX(count, excluded.count)`,
  );
  const gaps = db.prepare<[string, number], { from_seq: number; to_seq: number }>(
    `SELECT prev + 1 AS from_seq, seq - 1 AS to_seq FROM (
       SELECT seq, LAG(seq, 1, 0) OVER (ORDER BY seq) AS prev FROM (SELECT DISTINCT seq FROM outcomes WHERE device_id = ?)
     ) WHERE seq > prev + 1 ORDER BY seq LIMIT ?`,
  );
  // Pages follow (received_at, id), so a page boundary never skips or repeats an outcome. An ending
  // a phone rating superseded is left out: the phone rating stands for its case stage (issue 24).
  // Prepared when first asked: it reads phone_ratings (step 20), which a store opened on an older file for a migration test lacks.
  let exportPageStatement: ReturnType<typeof prepareExportPage> | undefined;
  const prepareExportPage = () => db.prepare<[number, string, number, number, number], { id: string; received_at: number; body: string; details: string | null }>(
    `SELECT o.id, o.received_at, o.body,
            (SELECT d.body FROM outcomes d WHERE d.amends_id = o.id AND d.amends_kind = 'details' AND d.merge = 'amendment') AS details
       FROM outcomes o
      WHERE (o.received_at, o.id) > (?, ?) AND o.received_at >= ? AND o.received_at < ? AND o.merge = 'rating'
        AND NOT EXISTS (SELECT 1 FROM phone_ratings p WHERE p.supersedes = o.id)
      ORDER BY o.received_at, o.id LIMIT ?`,
  );
  const viewColumns = 'id, device_id, invitation_id, outcome, level, merge, amends_id';
  type ViewRow = { id: string; device_id: string; invitation_id: string; outcome: MergeView['outcome']; level: number | null; merge: MergeState; amends_id: string | null };
  const toView = (r: ViewRow): MergeView => ({ id: r.id, deviceId: r.device_id, invitationId: r.invitation_id, outcome: r.outcome, level: r.level, merge: r.merge, amendsId: r.amends_id });
  const mergeView = db.prepare<[string], ViewRow>(`SELECT ${viewColumns} FROM outcomes WHERE id = ?`);
  const ratingInForce = db.prepare<[string, string], ViewRow>(
    `SELECT ${viewColumns} FROM outcomes WHERE device_id = ? AND invitation_id = ? AND merge = 'rating' ORDER BY rowid LIMIT 1`,
  );
  const hasAmendment = db.prepare<[string, string], { id: string }>("SELECT id FROM outcomes WHERE amends_id = ? AND amends_kind = ? AND merge = 'amendment' LIMIT 1");
  const setMerge = db.prepare('UPDATE outcomes SET merge = ? WHERE id = ?');
  const body = db.prepare<[string], { body: string }>('SELECT body FROM outcomes WHERE id = ?');
  const untrusted = db.prepare<[string, number], { id: string; seq: number; body: string }>(
    "SELECT id, seq, body FROM outcomes WHERE device_id = ? AND merge = 'untrusted' ORDER BY seq, rowid LIMIT ?",
  );
  const countUntrusted = db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM outcomes WHERE device_id = ? AND merge = 'untrusted'");
  const readmit = db.prepare("UPDATE outcomes SET trusted = 1, merge = ? WHERE id = ? AND merge = 'untrusted'");
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
      insert.run({ id: row.id, device_id: row.deviceId, body_hash: row.bodyHash, body: row.body, received_at: row.receivedAt, trusted: row.trusted ? 1 : 0, merge: row.merge, ...row.columns });
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
    async list(deviceId, after, limit) {
      return list
        .all(deviceId, after.seq, after.position, limit)
        .map((r) => ({ id: r.id, seq: r.seq, position: r.position, merge: r.merge, amends: r.amends_id === null ? null : { outcomeId: r.amends_id, kind: r.amends_kind ?? '' } }));
    },
    async isOfDevice(id, deviceId) {
      return ofDevice.get(id, deviceId) !== undefined;
    },
    async mergeView(id) {
      const row = mergeView.get(id);
      return row && toView(row);
    },
    async ratingInForce(deviceId, invitationId) {
      const row = ratingInForce.get(deviceId, invitationId);
      return row && toView(row);
    },
    async hasAmendment(pressId, kind) {
      return hasAmendment.get(pressId, kind) !== undefined;
    },
    async setMerge(id, merge) {
      setMerge.run(merge, id);
    },
    async body(id) {
      return body.get(id)?.body;
    },
    async untrusted(deviceId, limit) {
      return untrusted.all(deviceId, limit);
    },
    async countUntrusted(deviceId) {
      return countUntrusted.get(deviceId)?.n ?? 0;
    },
    async readmit(id, merge) {
      readmit.run(merge, id);
    },
    async addLateFlag(outcomeId, flag, n, receivedAt) {
      addLateFlag.run(outcomeId, flag, n, receivedAt);
    },
    async gaps(deviceId, limit) {
      return gaps.all(deviceId, limit).map((g) => ({ fromSeq: g.from_seq, toSeq: g.to_seq }));
    },
    async exportPage(after, from, to, limit) {
      exportPageStatement ??= prepareExportPage();
      return exportPageStatement.all(after.receivedAt, after.id, from, to, limit).map((r) => ({ id: r.id, receivedAt: r.received_at, body: r.body, details: r.details }));
    },
    async chainRowsAfter(deviceId, after, limit) {
      return chainRowsAfter.all(deviceId, after.seq, after.position, limit).map(({ body_hash, received_at, ...row }) => ({ ...row, bodyHash: body_hash, receivedAt: received_at }));
    },
  };
}
