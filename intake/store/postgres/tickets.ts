import type { FollowupRow, TicketActionRow, TicketStore } from '../store';
import {
  followupOf,
  TICKET_ACTION_COLUMNS,
  TICKET_COLUMNS,
  ticketActionOf,
  ticketOf,
  type FollowupColumns,
  type TicketActionColumns,
  type TicketColumns,
} from '../storeRows';
import { pgFollowupSelect } from './followups';
import type { PgSql } from './pgSql';

/** Stages with a running deadline: the one place overdue is computed in SQL (ticketMachine.ts isOverdue says the same). */
const RUNNING = "stage IN ('opened', 'rectifying') AND due_at IS NOT NULL";

export function pgTickets(sql: PgSql): TicketStore {
  return {
    async insert(row) {
      const added = await sql.run(
        `INSERT INTO tickets (id, outcome_id, hall_code, department, stage, due_at, opened_at, excluded, version, state, dispatch)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10) ON CONFLICT (id) DO NOTHING`,
        [row.id, row.outcomeId, row.hallCode, row.department, row.stage, row.dueAt, row.openedAt, row.excluded, row.state, row.dispatch],
      );
      return added === 1;
    },
    async find(id) {
      const row = await sql.row<TicketColumns>(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE id = $1`, [id]);
      return row && ticketOf(row);
    },
    async findByOutcome(outcomeId) {
      const row = await sql.row<TicketColumns>(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE outcome_id = $1`, [outcomeId]);
      return row && ticketOf(row);
    },
    async update(id, expected, change) {
      // Under READ COMMITTED a second writer waits for the first and then re-checks the version: exactly one wins.
      const changed = await sql.run('UPDATE tickets SET stage = $1, due_at = $2, excluded = $3, state = $4, version = version + 1 WHERE id = $5 AND version = $6', [
        change.stage,
        change.dueAt,
        change.excluded,
        change.state,
        id,
        expected,
      ]);
      return changed === 1;
    },
    async list(filter, limit, after) {
      // Newest first: starts above every key (ticket ids are UUIDs, all below '~').
      const params: unknown[] = [after?.openedAt ?? Number.MAX_SAFE_INTEGER, after?.id ?? '~', limit];
      const where: string[] = ['(opened_at, id) < ($1, $2)'];
      const param = (value: unknown) => {
        params.push(value);
        return `$${params.length}`;
      };
      if (filter.stage !== undefined) where.push(`stage = ${param(filter.stage)}`);
      if (filter.department !== undefined) where.push(`department = ${param(filter.department)}`);
      if (filter.dueBefore !== undefined) where.push(`due_at < ${param(filter.dueBefore)}`);
      if (filter.overdue !== undefined) {
        const overdue = `(${RUNNING} AND due_at < ${param(filter.overdue.at)})`;
        where.push(filter.overdue.is ? overdue : `NOT ${overdue}`);
      }
      const rows = await sql.rows<TicketColumns>(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE ${where.join(' AND ')} ORDER BY opened_at DESC, id DESC LIMIT $3`, params);
      return rows.map(ticketOf);
    },
    async lastAction() {
      // The log is one hash chain: a transaction that reads its head appends after it, so
      // concurrent transactions (batches of several devices, several nodes) take turns from here
      // to their commit (the function's lock, migration 009); without it two read the same head
      // and the second insert is refused.
      return sql.row<{ seq: number; hash: string }>('SELECT seq, hash FROM ticket_log_head()', [], 'tickets_log_head');
    },
    async appendAction(row) {
      await sql.run(`INSERT INTO ticket_actions (${TICKET_ACTION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
        row.seq,
        row.ticketId,
        row.at,
        row.actor,
        row.what,
        row.before,
        row.after,
        row.prevHash,
        row.hash,
      ]);
    },
    async insertMany(rows) {
      if (rows.length === 0) return [];
      const column = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((row) => row[key]);
      const added = await sql.rows<{ id: string }>(
        `INSERT INTO tickets (id, outcome_id, hall_code, department, stage, due_at, opened_at, excluded, version, state, dispatch)
         SELECT id, outcome_id, hall_code, department, stage, due_at, opened_at, excluded, 1, state, dispatch
           FROM unnest($1::TEXT[], $2::TEXT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::BIGINT[], $7::BIGINT[], $8::BOOLEAN[], $9::TEXT[], $10::TEXT[])
             WITH ORDINALITY AS t(id, outcome_id, hall_code, department, stage, due_at, opened_at, excluded, state, dispatch, ord) ORDER BY ord
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [column('id'), column('outcomeId'), column('hallCode'), column('department'), column('stage'), column('dueAt'), column('openedAt'), column('excluded'), column('state'), column('dispatch')],
        'tickets_insert_many',
      );
      return added.map((row) => row.id);
    },
    async appendActions(rows) {
      if (rows.length === 0) return;
      const column = <K extends keyof TicketActionRow>(key: K) => rows.map((row) => row[key]);
      await sql.run(
        `INSERT INTO ticket_actions (${TICKET_ACTION_COLUMNS})
         SELECT * FROM unnest($1::BIGINT[], $2::TEXT[], $3::BIGINT[], $4::TEXT[], $5::TEXT[], $6::TEXT[], $7::TEXT[], $8::TEXT[], $9::TEXT[])`,
        [column('seq'), column('ticketId'), column('at'), column('actor'), column('what'), column('before'), column('after'), column('prevHash'), column('hash')],
        'tickets_append_actions',
      );
    },
    async actionsOf(ticketId) {
      return (await sql.rows<TicketActionColumns>(`SELECT ${TICKET_ACTION_COLUMNS} FROM ticket_actions WHERE ticket_id = $1 ORDER BY seq`, [ticketId])).map(ticketActionOf);
    },
    async actionsAfter(afterSeq, limit) {
      return (await sql.rows<TicketActionColumns>(`SELECT ${TICKET_ACTION_COLUMNS} FROM ticket_actions WHERE seq > $1 ORDER BY seq LIMIT $2`, [afterSeq, limit])).map(ticketActionOf);
    },
    async queueState(row) {
      return sql.run(
        `INSERT INTO forward_ticket_states (ticket_id, seq, destination, body, state, next_attempt_at, stored_at, updated_at)
         SELECT DISTINCT $1::TEXT, $2::BIGINT, name, $4::TEXT, 'pending', $5::BIGINT, $5::BIGINT, $5::BIGINT FROM forward_destinations WHERE ticket_state AND hall_code IN ($3, '*')
         ON CONFLICT DO NOTHING`,
        [row.ticketId, row.seq, row.hallCode, row.body, row.at],
      );
    },
    async sessionActions(limit, beforeSeq) {
      const rows = await sql.rows<TicketActionColumns>(`SELECT ${TICKET_ACTION_COLUMNS} FROM ticket_actions WHERE ticket_id IS NULL AND seq < $1 ORDER BY seq DESC LIMIT $2`, [
        beforeSeq ?? Number.MAX_SAFE_INTEGER,
        limit,
      ]);
      return rows.map(ticketActionOf);
    },
    async queueDepth(now) {
      const row = await sql.row<{ open: number; overdue: number }>(
        `SELECT COUNT(*) FILTER (WHERE stage <> 'closed') AS open, COUNT(*) FILTER (WHERE ${RUNNING} AND due_at < $1) AS overdue FROM tickets`,
        [now],
      );
      return row ?? { open: 0, overdue: 0 };
    },
    async followupsWithoutTicket(limit): Promise<FollowupRow[]> {
      const rows = await sql.rows<FollowupColumns>(
        `${pgFollowupSelect} WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.outcome_id = f.outcome_id) ORDER BY f.opened_at, f.outcome_id LIMIT $1`,
        [limit],
      );
      return rows.map(followupOf);
    },
  };
}
