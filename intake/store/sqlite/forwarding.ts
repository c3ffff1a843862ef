import type { ForwardRecord } from '../../forwarding/forwardState';
import type { MergeState } from '../../ingest/mergeRules';
import type { ForwardDue, ForwardingStore, ForwardReportRow } from '../store';
import { FORWARD_COLUMNS, forwardRecordOf, EARLIER_STATE_UNSENT, TICKET_STATE_COLUMNS, ticketStateOf, type ForwardColumns, type TicketStateColumns } from '../storeRows';
import type { SqliteDb } from './sqliteDb';

/** A queued rating is a device's outcome or a phone rating (issue 24): one of the two joins finds it. */
const QUEUE_WITH_RATING = 'forward_queue q LEFT JOIN outcomes o ON o.id = q.outcome_id LEFT JOIN phone_ratings p ON p.id = q.outcome_id';
const RATING_BODY = 'COALESCE(o.body, p.body) AS body';

/** A compare-and-set save's parameters: `next`'s columns, and the state, attempts and time it must still have. */
const saveParams = (before: ForwardRecord, next: ForwardRecord) => ({
  outcome_id: next.outcomeId,
  destination: next.destination,
  state: next.state,
  attempts: next.attempts,
  next_attempt_at: next.nextAttemptAt,
  last_error: next.lastError,
  ack_id: next.ackId,
  ack_kind: next.ackKind,
  stored_at: next.storedAt,
  updated_at: next.updatedAt,
  was_state: before.state,
  was_attempts: before.attempts,
  was_updated: before.updatedAt,
});

export function sqliteForwarding(db: SqliteDb): ForwardingStore {
  const clearDestinations = db.prepare('DELETE FROM forward_destinations');
  const addDestination = db.prepare('INSERT OR IGNORE INTO forward_destinations (name, hall_code, ticket_state) VALUES (?, ?, ?)');
  const enqueue = db.prepare<{ id: string; hall: string; stored: number; due: number }>(
    `INSERT OR IGNORE INTO forward_queue (outcome_id, destination, state, next_attempt_at, stored_at, updated_at)
     SELECT DISTINCT @id, name, 'pending', @due, @stored, @stored FROM forward_destinations WHERE hall_code IN (@hall, '*')`,
  );
  // The rating's details: the amendment in force that adds them (as the export reads them).
  const destinationNames = db.prepare<[], { name: string }>('SELECT DISTINCT name FROM forward_destinations ORDER BY name');
  // Device ratings in force and counted phone ratings (issue 24) alike.
  const enqueueLate = db.prepare<{ destination: string; from: number; to: number; due: number }>(
    `INSERT OR IGNORE INTO forward_queue (outcome_id, destination, state, next_attempt_at, stored_at, updated_at, late)
     SELECT r.id, @destination, 'pending', @due, r.received_at, @due, 1 FROM (
       SELECT id, received_at, hall_code FROM outcomes WHERE merge = 'rating'
       UNION ALL SELECT id, received_at, hall_code FROM phone_ratings WHERE counted = 1) r
      WHERE r.received_at >= @from AND r.received_at < @to
        AND EXISTS (SELECT 1 FROM forward_destinations d WHERE d.name = @destination AND d.hall_code IN (r.hall_code, '*'))`,
  );
  const due = db.prepare<[string, number, number], ForwardColumns & { body: string; details: string | null; hall_code: string; merge: MergeState; late: number }>(
    `SELECT ${FORWARD_COLUMNS}, ${RATING_BODY}, COALESCE(o.hall_code, p.hall_code) AS hall_code, COALESCE(o.merge, 'rating') AS merge, q.late,
            (SELECT d.body FROM outcomes d WHERE d.amends_id = o.id AND d.amends_kind = 'details' AND d.merge = 'amendment') AS details
       FROM ${QUEUE_WITH_RATING}
      WHERE q.destination = ? AND q.state IN ('pending', 'sending') AND q.next_attempt_at <= ?
      ORDER BY q.next_attempt_at, q.outcome_id LIMIT ?`,
  );
  const save = db.prepare<ForwardColumns & { was_state: string; was_attempts: number; was_updated: number }>(
    `UPDATE forward_queue SET state = @state, attempts = @attempts, next_attempt_at = @next_attempt_at, last_error = @last_error,
            ack_id = @ack_id, ack_kind = @ack_kind, updated_at = @updated_at
      WHERE outcome_id = @outcome_id AND destination = @destination
        AND state = @was_state AND attempts = @was_attempts AND updated_at = @was_updated`,
  );
  const get = db.prepare<[string, string], ForwardColumns>(`SELECT ${FORWARD_COLUMNS} FROM forward_queue q WHERE q.outcome_id = ? AND q.destination = ?`);
  const list = db.prepare<[string, string | null, string | null, number], ForwardColumns>(
    `SELECT ${FORWARD_COLUMNS} FROM forward_queue q WHERE q.state = ? AND (? IS NULL OR q.destination = ?) ORDER BY q.updated_at DESC, q.outcome_id LIMIT ?`,
  );
  const report = db.prepare<{ from: number; to: number; zone: number }, { day: string; destination: string; stored: number; sent: number; acknowledged: number; refused: number; pending: number }>(
    `SELECT date((stored_at + @zone * 60000) / 1000, 'unixepoch') AS day, destination,
            COUNT(*) AS stored,
            SUM(attempts > 0) AS sent,
            SUM(state = 'acknowledged') AS acknowledged,
            SUM(state = 'refused') AS refused,
            SUM(state IN ('pending', 'sending')) AS pending
       FROM forward_queue WHERE stored_at >= @from AND stored_at < @to
      GROUP BY day, destination ORDER BY day, destination`,
  );
  const stored = db.prepare<{ destination: string | null; from: number; to: number; limit: number }, ForwardColumns & { body: string }>(
    `SELECT ${FORWARD_COLUMNS}, ${RATING_BODY} FROM ${QUEUE_WITH_RATING}
      WHERE q.stored_at >= @from AND q.stored_at < @to AND (@destination IS NULL OR q.destination = @destination)
      ORDER BY q.stored_at, q.outcome_id, q.destination LIMIT @limit`,
  );
  const replaceDestinations = db.transaction((destinations: Array<{ name: string; hallCode: string; ticketState?: boolean }>) => {
    clearDestinations.run();
    for (const d of destinations) addDestination.run(d.name, d.hallCode, d.ticketState ? 1 : 0);
  });
  // Per destination and state, so each count reads only its own range of the due index.
  const stateCount = db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM forward_queue WHERE destination = ? AND state = ?');
  const ticketStateCount = db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM forward_ticket_states WHERE destination = ? AND state = ?');

  const dueStates = db.prepare<[string, number, number], TicketStateColumns>(
    `SELECT ${TICKET_STATE_COLUMNS} FROM forward_ticket_states q
      WHERE q.destination = ? AND q.state IN ('pending', 'sending') AND q.next_attempt_at <= ?
        AND NOT EXISTS (${EARLIER_STATE_UNSENT})
      ORDER BY q.next_attempt_at, q.ticket_id, q.seq LIMIT ?`,
  );
  const saveState = db.prepare<ForwardColumns & { ticket_id: string; seq: number; was_state: string; was_attempts: number; was_updated: number }>(
    `UPDATE forward_ticket_states SET state = @state, attempts = @attempts, next_attempt_at = @next_attempt_at, last_error = @last_error,
            ack_id = @ack_id, ack_kind = @ack_kind, updated_at = @updated_at
      WHERE ticket_id = @ticket_id AND seq = @seq AND destination = @destination
        AND state = @was_state AND attempts = @was_attempts AND updated_at = @was_updated`,
  );
  const statesOf = db.prepare<[string], TicketStateColumns>(`SELECT ${TICKET_STATE_COLUMNS} FROM forward_ticket_states q WHERE q.ticket_id = ? ORDER BY q.seq, q.destination`);

  return {
    async dueTicketStates(destination, now, limit) {
      return dueStates.all(destination, now, limit).map(ticketStateOf);
    },
    async saveTicketState(before, next) {
      if (`${before.ticketId}#${before.seq}` !== next.outcomeId || before.destination !== next.destination) throw new Error('save moves one record, not another');
      return saveState.run({ ticket_id: before.ticketId, seq: before.seq, ...saveParams(before, next) }).changes === 1;
    },
    async ticketStates(ticketId) {
      return statesOf.all(ticketId).map(ticketStateOf);
    },
    async setDestinations(destinations) {
      replaceDestinations(destinations);
    },
    async enqueue(outcomeId, hallCode, storedAt, dueAt) {
      return enqueue.run({ id: outcomeId, hall: hallCode, stored: storedAt, due: dueAt }).changes;
    },
    async due(destination, now, limit): Promise<ForwardDue[]> {
      return due.all(destination, now, limit).map((row) => ({ ...forwardRecordOf(row), body: row.body, details: row.details, hallCode: row.hall_code, merge: row.merge, late: row.late === 1 }));
    },
    async queueDepth() {
      return destinationNames.all().map(({ name: destination }) => ({
        destination,
        pending: stateCount.get(destination, 'pending')!.n,
        sending: stateCount.get(destination, 'sending')!.n,
        ticketStates: { pending: ticketStateCount.get(destination, 'pending')!.n, sending: ticketStateCount.get(destination, 'sending')!.n },
      }));
    },
    async destinations() {
      return destinationNames.all().map((row) => row.name);
    },
    async enqueueLate(destination, from, to, dueAt) {
      return enqueueLate.run({ destination, from, to, due: dueAt }).changes;
    },
    async save(before, next) {
      if (before.outcomeId !== next.outcomeId || before.destination !== next.destination) throw new Error('save moves one record, not another');
      const changed = save.run(saveParams(before, next)).changes;
      return changed === 1;
    },
    async get(outcomeId, destination) {
      const row = get.get(outcomeId, destination);
      return row && forwardRecordOf(row);
    },
    async list(state, destination, limit) {
      return list.all(state, destination, destination, limit).map(forwardRecordOf);
    },
    async report(from, to, zoneMinutes): Promise<ForwardReportRow[]> {
      return report.all({ from, to, zone: zoneMinutes });
    },
    async stored(destination, from, to, limit) {
      return stored.all({ destination, from, to, limit }).map((row) => {
        const parsed = JSON.parse(row.body) as { case?: { projectNo?: unknown } };
        return { ...forwardRecordOf(row), projectNo: typeof parsed.case?.projectNo === 'string' ? parsed.case.projectNo : '' };
      });
    },
  };
}
