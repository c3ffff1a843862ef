import type { FollowupRow, TicketStore } from '../store';
import { followupOf, ticketActionOf, ticketOf, type FollowupColumns, type TicketActionColumns, type TicketColumns } from '../storeRows';
import { sqliteFollowupSelect } from './followups';
import type { SqliteDb } from './sqliteDb';

/** Stages with a running deadline: the one place overdue is computed in SQL (ticketMachine.ts isOverdue says the same). */
const RUNNING = "stage IN ('opened', 'rectifying') AND due_at IS NOT NULL";

export function sqliteTickets(db: SqliteDb): TicketStore {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO tickets (id, outcome_id, hall_code, department, stage, due_at, opened_at, excluded, version, state, dispatch)
     VALUES (@id, @outcomeId, @hallCode, @department, @stage, @dueAt, @openedAt, @excluded, 1, @state, @dispatch)`,
  );
  const find = db.prepare<[string], TicketColumns>('SELECT * FROM tickets WHERE id = ?');
  const findByOutcome = db.prepare<[string], TicketColumns>('SELECT * FROM tickets WHERE outcome_id = ?');
  const update = db.prepare('UPDATE tickets SET stage = @stage, due_at = @dueAt, excluded = @excluded, state = @state, version = version + 1 WHERE id = @id AND version = @expected');
  const lastAction = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM ticket_actions ORDER BY seq DESC LIMIT 1');
  const append = db.prepare(
    `INSERT INTO ticket_actions (seq, ticket_id, at, actor, what, before, after, prev_hash, hash)
     VALUES (@seq, @ticketId, @at, @actor, @what, @before, @after, @prevHash, @hash)`,
  );
  const actionsOf = db.prepare<[string], TicketActionColumns>('SELECT * FROM ticket_actions WHERE ticket_id = ? ORDER BY seq');
  const actionsAfter = db.prepare<[number, number], TicketActionColumns>('SELECT * FROM ticket_actions WHERE seq > ? ORDER BY seq LIMIT ?');
  const queueState = db.prepare<{ ticket: string; seq: number; hall: string; body: string; at: number }>(
    `INSERT OR IGNORE INTO forward_ticket_states (ticket_id, seq, destination, body, state, next_attempt_at, stored_at, updated_at)
     SELECT DISTINCT @ticket, @seq, name, @body, 'pending', @at, @at, @at FROM forward_destinations WHERE ticket_state = 1 AND hall_code IN (@hall, '*')`,
  );
  const sessionActions = db.prepare<[number, number], TicketActionColumns>('SELECT * FROM ticket_actions WHERE ticket_id IS NULL AND seq < ? ORDER BY seq DESC LIMIT ?');
  const openCount = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM tickets WHERE stage <> 'closed'");
  const overdueCount = db.prepare<[number], { n: number }>(`SELECT COUNT(*) AS n FROM tickets WHERE ${RUNNING} AND due_at < ?`);
  const withoutTicket = db.prepare<[number], FollowupColumns>(
    `${sqliteFollowupSelect} WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.outcome_id = f.outcome_id) ORDER BY f.opened_at, f.outcome_id LIMIT ?`,
  );

  return {
    async queueDepth(now) {
      return { open: openCount.get()!.n, overdue: overdueCount.get(now)!.n };
    },
    async insert(row) {
      return insert.run({ ...row, excluded: row.excluded ? 1 : 0 }).changes === 1;
    },
    async find(id) {
      const row = find.get(id);
      return row && ticketOf(row);
    },
    async findByOutcome(outcomeId) {
      const row = findByOutcome.get(outcomeId);
      return row && ticketOf(row);
    },
    async update(id, expected, change) {
      return update.run({ id, expected, stage: change.stage, dueAt: change.dueAt, excluded: change.excluded ? 1 : 0, state: change.state }).changes === 1;
    },
    async list(filter, limit, after) {
      const where: string[] = ['(opened_at, id) < (@afterAt, @afterId)'];
      if (filter.stage !== undefined) where.push('stage = @stage');
      if (filter.department !== undefined) where.push('department = @department');
      if (filter.dueBefore !== undefined) where.push('due_at < @dueBefore');
      if (filter.overdue !== undefined) where.push(filter.overdue.is ? `(${RUNNING} AND due_at < @now)` : `NOT (${RUNNING} AND due_at < @now)`);
      const sql = `SELECT * FROM tickets WHERE ${where.join(' AND ')} ORDER BY opened_at DESC, id DESC LIMIT @limit`;
      // Newest first: starts above every key (ticket ids are UUIDs, all below '~').
      const params = {
        afterAt: after?.openedAt ?? Number.MAX_SAFE_INTEGER,
        afterId: after?.id ?? '~',
        limit,
        ...(filter.stage !== undefined ? { stage: filter.stage } : {}),
        ...(filter.department !== undefined ? { department: filter.department } : {}),
        ...(filter.dueBefore !== undefined ? { dueBefore: filter.dueBefore } : {}),
        ...(filter.overdue !== undefined ? { now: filter.overdue.at } : {}),
      };
      return db.prepare<[typeof params], TicketColumns>(sql).all(params).map(ticketOf);
    },
    async lastAction() {
      return lastAction.get();
    },
    async appendAction(row) {
      append.run(row);
    },
    async insertMany(rows) {
      return rows.filter((row) => insert.run({ ...row, excluded: row.excluded ? 1 : 0 }).changes === 1).map((row) => row.id);
    },
    async appendActions(rows) {
      for (const row of rows) append.run(row);
    },
    async actionsOf(ticketId) {
      return actionsOf.all(ticketId).map(ticketActionOf);
    },
    async actionsAfter(afterSeq, limit) {
      return actionsAfter.all(afterSeq, limit).map(ticketActionOf);
    },
    async queueState(row) {
      return queueState.run({ ticket: row.ticketId, seq: row.seq, hall: row.hallCode, body: row.body, at: row.at }).changes;
    },
    async sessionActions(limit, beforeSeq) {
      return sessionActions.all(beforeSeq ?? Number.MAX_SAFE_INTEGER, limit).map(ticketActionOf);
    },
    async followupsWithoutTicket(limit): Promise<FollowupRow[]> {
      return withoutTicket.all(limit).map(followupOf);
    },
  };
}
