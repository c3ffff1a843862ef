import type { MergeState } from '../../ingest/mergeRules';
import type { ForwardDue, ForwardingStore, ForwardReportRow } from '../store';
import { FORWARD_COLUMNS, forwardRecordOf, EARLIER_STATE_UNSENT, TICKET_STATE_COLUMNS, ticketStateOf, type ForwardColumns, type TicketStateColumns } from '../storeRows';
import { DETAILS_OF } from './outcomes';
import type { PgSql } from './pgSql';

/** A queued rating is a device's outcome or a phone rating (issue 24): one of the two joins finds it. */
const QUEUE_WITH_RATING = 'forward_queue q LEFT JOIN outcomes o ON o.id = q.outcome_id LEFT JOIN phone_ratings p ON p.id = q.outcome_id';
const RATING_BODY = 'COALESCE(o.body, p.body) AS body';

export function pgForwarding(sql: PgSql): ForwardingStore {
  return {
    async setDestinations(destinations) {
      await sql.atomic(async (tx) => {
        await tx.run('DELETE FROM forward_destinations');
        for (const d of destinations) await tx.run('INSERT INTO forward_destinations (name, hall_code, ticket_state) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [d.name, d.hallCode, d.ticketState === true]);
      });
    },
    async enqueue(outcomeId, hallCode, storedAt, dueAt) {
      return sql.run(
        `INSERT INTO forward_queue (outcome_id, destination, state, next_attempt_at, stored_at, updated_at)
         SELECT DISTINCT $1::TEXT, name, 'pending', $4::BIGINT, $3::BIGINT, $3::BIGINT FROM forward_destinations WHERE hall_code IN ($2, '*')
         ON CONFLICT DO NOTHING`,
        [outcomeId, hallCode, storedAt, dueAt],
      );
    },
    async due(destination, now, limit): Promise<ForwardDue[]> {
      // Inside a transaction, rows another node's transaction holds are skipped, not waited for:
      // two forwarders claim disjoint records (`save` still compares before it writes).
      const rows = await sql.rows<ForwardColumns & { body: string; details: string | null; hall_code: string; merge: MergeState; late: boolean }>(
        `SELECT ${FORWARD_COLUMNS}, ${RATING_BODY}, COALESCE(o.hall_code, p.hall_code) AS hall_code, COALESCE(o.merge, 'rating') AS merge, q.late, ${DETAILS_OF('o')} AS details
           FROM ${QUEUE_WITH_RATING}
          WHERE q.destination = $1 AND q.state IN ('pending', 'sending') AND q.next_attempt_at <= $2
          ORDER BY q.next_attempt_at, q.outcome_id LIMIT $3
          FOR UPDATE OF q SKIP LOCKED`,
        [destination, now, limit],
      );
      return rows.map((row) => ({ ...forwardRecordOf(row), body: row.body, details: row.details, hallCode: row.hall_code, merge: row.merge, late: row.late }));
    },
    async queueDepth() {
      const count = (table: string, state: string) => `(SELECT COUNT(*) FROM ${table} q WHERE q.destination = d.name AND q.state = '${state}')`;
      const rows = await sql.rows<{ destination: string; pending: number; sending: number; ts_pending: number; ts_sending: number }>(
        `SELECT d.name AS destination, ${count('forward_queue', 'pending')} AS pending, ${count('forward_queue', 'sending')} AS sending,
                ${count('forward_ticket_states', 'pending')} AS ts_pending, ${count('forward_ticket_states', 'sending')} AS ts_sending
           FROM (SELECT DISTINCT name FROM forward_destinations) AS d ORDER BY d.name`,
      );
      return rows.map(({ ts_pending, ts_sending, ...row }) => ({ ...row, ticketStates: { pending: ts_pending, sending: ts_sending } }));
    },
    async destinations() {
      return (await sql.rows<{ name: string }>('SELECT DISTINCT name FROM forward_destinations ORDER BY name')).map((row) => row.name);
    },
    async enqueueLate(destination, from, to, dueAt) {
      return sql.run(
        `INSERT INTO forward_queue (outcome_id, destination, state, next_attempt_at, stored_at, updated_at, late)
         SELECT r.id, $1, 'pending', $4::BIGINT, r.received_at, $4::BIGINT, TRUE FROM (
           SELECT id, received_at, hall_code FROM outcomes WHERE merge = 'rating'
           UNION ALL SELECT id, received_at, hall_code FROM phone_ratings WHERE counted) AS r
          WHERE r.received_at >= $2 AND r.received_at < $3
            AND EXISTS (SELECT 1 FROM forward_destinations d WHERE d.name = $1 AND d.hall_code IN (r.hall_code, '*'))
         ON CONFLICT DO NOTHING`,
        [destination, from, to, dueAt],
      );
    },
    async save(before, next) {
      if (before.outcomeId !== next.outcomeId || before.destination !== next.destination) throw new Error('save moves one record, not another');
      const changed = await sql.run(
        `UPDATE forward_queue SET state = $3, attempts = $4, next_attempt_at = $5, last_error = $6, ack_id = $7, ack_kind = $8, updated_at = $9
          WHERE outcome_id = $1 AND destination = $2 AND state = $10 AND attempts = $11 AND updated_at = $12`,
        [next.outcomeId, next.destination, next.state, next.attempts, next.nextAttemptAt, next.lastError, next.ackId, next.ackKind, next.updatedAt, before.state, before.attempts, before.updatedAt],
      );
      return changed === 1;
    },
    async dueTicketStates(destination, now, limit) {
      // As `due`: rows another node's transaction holds are skipped.
      const rows = await sql.rows<TicketStateColumns>(
        `SELECT ${TICKET_STATE_COLUMNS} FROM forward_ticket_states q
          WHERE q.destination = $1 AND q.state IN ('pending', 'sending') AND q.next_attempt_at <= $2
            AND NOT EXISTS (${EARLIER_STATE_UNSENT})
          ORDER BY q.next_attempt_at, q.ticket_id, q.seq LIMIT $3
          FOR UPDATE OF q SKIP LOCKED`,
        [destination, now, limit],
      );
      return rows.map(ticketStateOf);
    },
    async saveTicketState(before, next) {
      if (`${before.ticketId}#${before.seq}` !== next.outcomeId || before.destination !== next.destination) throw new Error('save moves one record, not another');
      const changed = await sql.run(
        `UPDATE forward_ticket_states SET state = $4, attempts = $5, next_attempt_at = $6, last_error = $7, ack_id = $8, ack_kind = $9, updated_at = $10
          WHERE ticket_id = $1 AND seq = $2 AND destination = $3 AND state = $11 AND attempts = $12 AND updated_at = $13`,
        [before.ticketId, before.seq, next.destination, next.state, next.attempts, next.nextAttemptAt, next.lastError, next.ackId, next.ackKind, next.updatedAt, before.state, before.attempts, before.updatedAt],
      );
      return changed === 1;
    },
    async ticketStates(ticketId) {
      return (await sql.rows<TicketStateColumns>(`SELECT ${TICKET_STATE_COLUMNS} FROM forward_ticket_states q WHERE q.ticket_id = $1 ORDER BY q.seq, q.destination`, [ticketId])).map(ticketStateOf);
    },
    async get(outcomeId, destination) {
      const row = await sql.row<ForwardColumns>(`SELECT ${FORWARD_COLUMNS} FROM forward_queue q WHERE q.outcome_id = $1 AND q.destination = $2`, [outcomeId, destination]);
      return row && forwardRecordOf(row);
    },
    async list(state, destination, limit) {
      const rows = await sql.rows<ForwardColumns>(
        `SELECT ${FORWARD_COLUMNS} FROM forward_queue q WHERE q.state = $1 AND ($2::TEXT IS NULL OR q.destination = $2) ORDER BY q.updated_at DESC, q.outcome_id LIMIT $3`,
        [state, destination, limit],
      );
      return rows.map(forwardRecordOf);
    },
    async report(from, to, zoneMinutes): Promise<ForwardReportRow[]> {
      return sql.rows<ForwardReportRow>(
        `SELECT to_char(to_timestamp((stored_at + $3::BIGINT * 60000) / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, destination,
                COUNT(*) AS stored,
                COUNT(*) FILTER (WHERE attempts > 0) AS sent,
                COUNT(*) FILTER (WHERE state = 'acknowledged') AS acknowledged,
                COUNT(*) FILTER (WHERE state = 'refused') AS refused,
                COUNT(*) FILTER (WHERE state IN ('pending', 'sending')) AS pending
           FROM forward_queue WHERE stored_at >= $1 AND stored_at < $2
          GROUP BY day, destination ORDER BY day, destination`,
        [from, to, zoneMinutes],
      );
    },
    async stored(destination, from, to, limit) {
      const rows = await sql.rows<ForwardColumns & { body: string }>(
        `SELECT ${FORWARD_COLUMNS}, ${RATING_BODY} FROM ${QUEUE_WITH_RATING}
          WHERE q.stored_at >= $1 AND q.stored_at < $2 AND ($3::TEXT IS NULL OR q.destination = $3)
          ORDER BY q.stored_at, q.outcome_id, q.destination LIMIT $4`,
        [from, to, destination, limit],
      );
      return rows.map((row) => {
        const parsed = JSON.parse(row.body) as { case?: { projectNo?: unknown } };
        return { ...forwardRecordOf(row), projectNo: typeof parsed.case?.projectNo === 'string' ? parsed.case.projectNo : '' };
      });
    },
  };
}
