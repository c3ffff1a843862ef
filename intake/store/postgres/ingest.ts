import type { MergeView } from '../../ingest/mergeRules';
import { OUTCOME_COLUMNS } from '../../integrity/storedOutcome';
import type { IngestFacts, IngestStore } from '../store';
import type { PgSql } from './pgSql';

/** Each outcome column's array type, for INSERT … SELECT FROM unnest (001-core.ts). */
const COLUMN_TYPES: Record<string, string> = { seq: 'BIGINT', level: 'INTEGER', received_at: 'BIGINT', trusted: 'BOOLEAN' };
const INSERT_COLUMNS = ['id', 'device_id', 'body_hash', 'body', 'received_at', 'trusted', 'merge', ...OUTCOME_COLUMNS];
const unnestOf = (columns: readonly string[], types: Record<string, string>) => columns.map((column, i) => `$${i + 1}::${types[column] ?? 'TEXT'}[]`).join(', ');

/**
 * Every row of a batch in one statement: the ids' rows (the one row per id across partitions, whose
 * primary key refuses a stored id as the per-row insert does) and the outcomes, positions given
 * in the order of the rows.
 */
const INSERT_OUTCOMES = `WITH rows AS (SELECT * FROM unnest(${unnestOf(INSERT_COLUMNS, COLUMN_TYPES)}) WITH ORDINALITY AS r(${INSERT_COLUMNS.join(', ')}, ord)),
  ids AS (INSERT INTO outcome_ids (id, received_at) SELECT id, received_at FROM rows)
  INSERT INTO outcomes (${INSERT_COLUMNS.join(', ')}) SELECT ${INSERT_COLUMNS.join(', ')} FROM rows ORDER BY ord`;

const VIEW = 'id, device_id AS "deviceId", invitation_id AS "invitationId", outcome, level, merge, amends_id AS "amendsId"';
const jsonRows = (select: string) => `(SELECT COALESCE(json_agg(r), '[]') FROM (${select}) AS r)`;

/**
 * What a batch's rules ask, in one statement: $1 device, $2 ids, $3 seqs, $4 invitations,
 * $5 presses, $6..$8 case stages (hall, project, event). Each part answers as the per-row
 * method of store.ts it stands for.
 */
const FACTS = `SELECT
  ${jsonRows('SELECT id, body_hash AS "bodyHash" FROM outcomes WHERE id = ANY($2::TEXT[])')} AS stored,
  ${jsonRows('SELECT DISTINCT ON (seq) seq, id, chain_hash AS "chainHash", prev_hash AS "prevHash" FROM outcomes WHERE device_id = $1 AND seq = ANY($3::BIGINT[]) ORDER BY seq, position')} AS chain,
  (SELECT COALESCE(MAX(seq), 0) FROM outcomes WHERE device_id = $1) AS max_seq,
  (SELECT json_build_object('at', flagged_at, 'reason', COALESCE(flag_reason, '')) FROM devices WHERE device_id = $1 AND flagged_at IS NOT NULL) AS flag,
  ${jsonRows(`SELECT DISTINCT ON (invitation_id) ${VIEW} FROM outcomes WHERE device_id = $1 AND invitation_id = ANY($4::TEXT[]) AND merge = 'rating' ORDER BY invitation_id, position`)} AS in_force,
  ${jsonRows(`SELECT ${VIEW} FROM outcomes WHERE id = ANY($5::TEXT[])`)} AS presses,
  ${jsonRows(`SELECT DISTINCT amends_id AS "pressId", amends_kind AS kind FROM outcomes WHERE amends_id = ANY($5::TEXT[]) AND merge = 'amendment'`)} AS amendments,
  ${jsonRows(`SELECT hall_code AS "hallCode", project_no AS "projectNo", event, id FROM phone_ratings
               WHERE kind = 'case' AND counted AND (hall_code, project_no, event) IN (SELECT * FROM unnest($6::TEXT[], $7::TEXT[], $8::TEXT[]))
               ORDER BY received_at, id`)} AS phone_ratings`;

type FactsRow = {
  stored: IngestFacts['stored'];
  chain: IngestFacts['chain'];
  max_seq: number;
  flag: { at: number; reason: string } | null;
  in_force: MergeView[];
  presses: MergeView[];
  amendments: IngestFacts['amendments'];
  phone_ratings: IngestFacts['phoneRatings'];
};

export function pgIngest(sql: PgSql): IngestStore {
  return {
    async storedHashes(ids) {
      if (ids.length === 0) return [];
      return sql.rows<{ id: string; bodyHash: string }>('SELECT id, body_hash AS "bodyHash" FROM outcomes WHERE id = ANY($1::TEXT[])', [ids], 'ingest_stored_hashes');
    },
    async facts(deviceId, query) {
      const row = await sql.row<FactsRow>(FACTS, [
        deviceId,
        query.ids,
        query.seqs,
        query.invitationIds,
        query.pressIds,
        query.stages.map((s) => s.hallCode),
        query.stages.map((s) => s.projectNo),
        query.stages.map((s) => s.event),
      ], 'ingest_facts');
      if (!row) throw new Error('the facts query returned no row');
      return {
        stored: row.stored,
        chain: row.chain,
        maxSeq: row.max_seq,
        flag: row.flag,
        inForce: row.in_force,
        presses: row.presses,
        amendments: row.amendments,
        phoneRatings: row.phone_ratings,
      };
    },
    async insertOutcomes(rows) {
      if (rows.length === 0) return;
      const values = (row: (typeof rows)[number]): unknown[] => [row.id, row.deviceId, row.bodyHash, row.body, row.receivedAt, row.trusted, row.merge, ...OUTCOME_COLUMNS.map((c) => row.columns[c])];
      const perRow = rows.map(values);
      await sql.run(
        INSERT_OUTCOMES,
        INSERT_COLUMNS.map((_, i) => perRow.map((v) => v[i])),
        'ingest_outcomes',
      );
    },
    async addEvents(events) {
      if (events.length === 0) return;
      await sql.run(
        `INSERT INTO integrity_events (device_id, kind, seq, outcome_id, detail, at)
         SELECT device_id, kind, seq, outcome_id, detail, at FROM unnest($1::TEXT[], $2::TEXT[], $3::BIGINT[], $4::TEXT[], $5::TEXT[], $6::BIGINT[])
           WITH ORDINALITY AS e(device_id, kind, seq, outcome_id, detail, at, ord) ORDER BY ord`,
        [events.map((e) => e.deviceId), events.map((e) => e.kind), events.map((e) => e.seq), events.map((e) => e.outcomeId), events.map((e) => e.detail), events.map((e) => e.at)],
        'ingest_events',
      );
    },
    async openFollowups(rows) {
      if (rows.length === 0) return [];
      const opened = await sql.rows<{ outcome_id: string }>(
        `INSERT INTO followups (outcome_id, class, opened_at, due_at, counted_on_ingest)
         SELECT outcome_id, class, opened_at, due_at, TRUE FROM unnest($1::TEXT[], $2::TEXT[], $3::BIGINT[], $4::BIGINT[]) WITH ORDINALITY AS f(outcome_id, class, opened_at, due_at, ord) ORDER BY ord
         ON CONFLICT DO NOTHING RETURNING outcome_id`,
        [rows.map((r) => r.outcomeId), rows.map((r) => r.cls), rows.map((r) => r.openedAt), rows.map((r) => r.dueAt)],
        'ingest_followups',
      );
      return opened.map((r) => r.outcome_id);
    },
    async enqueueForwarding(outcomeIds, hallCode, storedAt, dueAt) {
      if (outcomeIds.length === 0) return;
      await sql.run(
        `INSERT INTO forward_queue (outcome_id, destination, state, next_attempt_at, stored_at, updated_at)
         SELECT DISTINCT o.id, d.name, 'pending', $4::BIGINT, $3::BIGINT, $3::BIGINT FROM unnest($1::TEXT[]) AS o(id) CROSS JOIN forward_destinations d WHERE d.hall_code IN ($2, '*')
         ON CONFLICT DO NOTHING`,
        [outcomeIds, hallCode, storedAt, dueAt],
        'ingest_forwarding',
      );
    },
  };
}
