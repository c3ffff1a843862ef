import type { MergeState, MergeView } from '../../ingest/mergeRules';
import { OUTCOME_COLUMNS } from '../../integrity/storedOutcome';
import type { OutcomeStore, StoredOutcomeRow } from '../store';
import type { PgSql } from './pgSql';

const INSERT_COLUMNS = ['id', 'device_id', 'body_hash', 'body', 'received_at', 'trusted', 'merge', ...OUTCOME_COLUMNS];
const INSERT_SQL = `INSERT INTO outcomes (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;

const VIEW_COLUMNS = 'id, device_id, invitation_id, outcome, level, merge, amends_id';
type ViewRow = { id: string; device_id: string; invitation_id: string; outcome: MergeView['outcome']; level: number | null; merge: MergeState; amends_id: string | null };
const toView = (r: ViewRow): MergeView => ({ id: r.id, deviceId: r.device_id, invitationId: r.invitation_id, outcome: r.outcome, level: r.level, merge: r.merge, amendsId: r.amends_id });

/** The rating's details: the amendment in force that adds them. */
export const DETAILS_OF = (o: string) => `(SELECT d.body FROM outcomes d WHERE d.amends_id = ${o}.id AND d.amends_kind = 'details' AND d.merge = 'amendment' ORDER BY d.position LIMIT 1)`;

export function pgOutcomes(sql: PgSql): OutcomeStore {
  return {
    async bodyHash(id) {
      return (await sql.row<{ body_hash: string }>('SELECT body_hash FROM outcomes WHERE id = $1', [id]))?.body_hash;
    },
    async insert(row) {
      const values: unknown[] = [row.id, row.deviceId, row.bodyHash, row.body, row.receivedAt, row.trusted, row.merge, ...OUTCOME_COLUMNS.map((column) => row.columns[column])];
      await sql.atomic(async (tx) => {
        // The id's one row across partitions: a second insert of an id fails here, as SQLite's primary key does.
        await tx.run('INSERT INTO outcome_ids (id, received_at) VALUES ($1, $2)', [row.id, row.receivedAt]);
        await tx.run(INSERT_SQL, values);
      });
    },
    async atSeq(deviceId, seq) {
      const row = await sql.row<{ id: string; chain_hash: string | null; prev_hash: string | null }>(
        'SELECT id, chain_hash, prev_hash FROM outcomes WHERE device_id = $1 AND seq = $2 ORDER BY position LIMIT 1',
        [deviceId, seq],
      );
      return row && { id: row.id, chainHash: row.chain_hash, prevHash: row.prev_hash };
    },
    async maxSeq(deviceId) {
      return (await sql.row<{ m: number | null }>('SELECT MAX(seq) AS m FROM outcomes WHERE device_id = $1', [deviceId]))?.m ?? 0;
    },
    async count(deviceId) {
      return (await sql.row<{ n: number }>('SELECT COUNT(*) AS n FROM outcomes WHERE device_id = $1', [deviceId]))?.n ?? 0;
    },
    async list(deviceId, after, limit) {
      const rows = await sql.rows<{ id: string; seq: number; position: number; merge: MergeState; amends_id: string | null; amends_kind: string | null }>(
        'SELECT id, seq, position, merge, amends_id, amends_kind FROM outcomes WHERE device_id = $1 AND (seq, position) > ($2, $3) ORDER BY seq, position LIMIT $4',
        [deviceId, after.seq, after.position, limit],
      );
      return rows.map((r) => ({ id: r.id, seq: r.seq, position: r.position, merge: r.merge, amends: r.amends_id === null ? null : { outcomeId: r.amends_id, kind: r.amends_kind ?? '' } }));
    },
    async isOfDevice(id, deviceId) {
      return (await sql.row('SELECT id FROM outcomes WHERE id = $1 AND device_id = $2', [id, deviceId])) !== undefined;
    },
    async mergeView(id) {
      const row = await sql.row<ViewRow>(`SELECT ${VIEW_COLUMNS} FROM outcomes WHERE id = $1`, [id]);
      return row && toView(row);
    },
    async ratingInForce(deviceId, invitationId) {
      const row = await sql.row<ViewRow>(`SELECT ${VIEW_COLUMNS} FROM outcomes WHERE device_id = $1 AND invitation_id = $2 AND merge = 'rating' ORDER BY position LIMIT 1`, [
        deviceId,
        invitationId,
      ]);
      return row && toView(row);
    },
    async hasAmendment(pressId, kind) {
      return (await sql.row("SELECT id FROM outcomes WHERE amends_id = $1 AND amends_kind = $2 AND merge = 'amendment' LIMIT 1", [pressId, kind])) !== undefined;
    },
    async setMerge(id, merge) {
      await sql.run('UPDATE outcomes SET merge = $1 WHERE id = $2', [merge, id]);
    },
    async body(id) {
      return (await sql.row<{ body: string }>('SELECT body FROM outcomes WHERE id = $1', [id]))?.body;
    },
    async untrusted(deviceId, limit) {
      return sql.rows<{ id: string; seq: number; body: string }>("SELECT id, seq, body FROM outcomes WHERE device_id = $1 AND merge = 'untrusted' ORDER BY seq, position LIMIT $2", [
        deviceId,
        limit,
      ]);
    },
    async countUntrusted(deviceId) {
      return (await sql.row<{ n: number }>("SELECT COUNT(*) AS n FROM outcomes WHERE device_id = $1 AND merge = 'untrusted'", [deviceId]))?.n ?? 0;
    },
    async readmit(id, merge) {
      await sql.run("UPDATE outcomes SET trusted = TRUE, merge = $1 WHERE id = $2 AND merge = 'untrusted'", [merge, id]);
    },
    async addLateFlag(outcomeId, flag, n, receivedAt) {
      await sql.run(
        `INSERT INTO late_flags (outcome_id, flag, count, received_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (outcome_id, flag) DO UPDATE SET count = GREATEST(late_flags.count, excluded.count)`,
        [outcomeId, flag, n, receivedAt],
      );
    },
    async gaps(deviceId, limit) {
      const rows = await sql.rows<{ from_seq: number; to_seq: number }>(
        `SELECT prev + 1 AS from_seq, seq - 1 AS to_seq FROM (
           SELECT seq, LAG(seq, 1, 0::BIGINT) OVER (ORDER BY seq) AS prev FROM (SELECT DISTINCT seq FROM outcomes WHERE device_id = $1) AS seqs
         ) AS runs WHERE seq > prev + 1 ORDER BY seq LIMIT $2`,
        [deviceId, limit],
      );
      return rows.map((g) => ({ fromSeq: g.from_seq, toSeq: g.to_seq }));
    },
    async exportPage(after, from, to, limit) {
      // Pages follow (received_at, id), so a page boundary never skips or repeats an outcome. An ending
      // a phone rating superseded is left out: the phone rating stands for its case stage (issue 24).
      const rows = await sql.rows<{ id: string; received_at: number; body: string; details: string | null }>(
        `SELECT o.id, o.received_at, o.body, ${DETAILS_OF('o')} AS details
           FROM outcomes o
          WHERE (o.received_at, o.id) > ($1, $2) AND o.received_at >= $3 AND o.received_at < $4 AND o.merge = 'rating'
            AND NOT EXISTS (SELECT 1 FROM phone_ratings p WHERE p.supersedes = o.id)
          ORDER BY o.received_at, o.id LIMIT $5`,
        [after.receivedAt, after.id, from, to, limit],
      );
      return rows.map((r) => ({ id: r.id, receivedAt: r.received_at, body: r.body, details: r.details }));
    },
    async chainRowsAfter(deviceId, after, limit) {
      const rows = await sql.rows<Omit<StoredOutcomeRow, 'bodyHash' | 'receivedAt'> & { body_hash: string; received_at: number }>(
        `SELECT position, id, body, body_hash, received_at, ${OUTCOME_COLUMNS.join(', ')}
           FROM outcomes WHERE device_id = $1 AND (seq, position) > ($2, $3) ORDER BY seq, position LIMIT $4`,
        [deviceId, after.seq, after.position, limit],
      );
      return rows.map(({ body_hash, received_at, ...row }) => ({ ...row, bodyHash: body_hash, receivedAt: received_at }));
    },
  };
}


