import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionHash, appendAction, LOG_GENESIS, verifyTicketLog } from '../../../tickets/ticketLog';
import { sqliteTickets } from '../tickets';
import { migrate } from './index';

describe('migration 23: the action log takes session entries', () => {
  it('keeps every ticket entry as it was (the chain still verifies), stays append-only, and takes an entry without a ticket only without a state', async () => {
    const db = new Database(path.join(mkdtempSync(path.join(tmpdir(), 'migration-23-')), 'i.sqlite'));
    db.pragma('foreign_keys = ON');
    migrate(db, 22);
    // Written as step 22 left the tables (today's store module reads tables later steps add).
    const insertTicket = db.prepare("INSERT INTO tickets (id, outcome_id, hall_code, department, stage, due_at, opened_at, excluded, version, state, dispatch) VALUES (?, NULL, 'h1', '税务局', 'opened', 1, 1, 0, 1, '{}', NULL)");
    const insertAction = db.prepare('INSERT INTO ticket_actions (seq, ticket_id, at, actor, what, before, after, prev_hash, hash) VALUES (@seq, @ticketId, @at, @actor, @what, @before, @after, @prevHash, @hash)');
    let prevHash = LOG_GENESIS;
    for (const [index, id] of ['T-1', 'T-2'].entries()) {
      insertTicket.run(id);
      const entry = { seq: index + 1, ticketId: id, at: 10, actor: '{"id":"system","department":null}', what: '{"event":{"type":"open"}}', before: null, after: '{"stage":"opened"}', prevHash };
      prevHash = actionHash(entry);
      insertAction.run({ ...entry, hash: prevHash });
    }
    const rowsBefore = db.prepare('SELECT * FROM ticket_actions ORDER BY seq').all();

    migrate(db);
    expect(db.prepare('SELECT * FROM ticket_actions ORDER BY seq').all()).toEqual(rowsBefore);
    const tickets = sqliteTickets(db);
    await appendAction(tickets, { ticketId: null, at: 20, actor: '{"id":"auditor","department":null}', what: '{"event":{"type":"sign_in"},"address":"127.0.0.1"}', before: null, after: null });
    expect(await verifyTicketLog(tickets)).toEqual({ ok: true, checked: 3 });
    expect((await tickets.sessionActions(10)).map((r) => [r.seq, r.ticketId])).toEqual([[3, null]]);
    expect((await tickets.actionsOf('T-1')).map((r) => r.seq)).toEqual([1]);

    expect(() => db.prepare('UPDATE ticket_actions SET at = 0 WHERE seq = 1').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM ticket_actions WHERE seq = 3').run()).toThrow(/append-only/);
    // A ticket's entry still carries the state after it, and names a ticket that exists.
    const insert = db.prepare("INSERT INTO ticket_actions (seq, ticket_id, at, actor, what, before, after, prev_hash, hash) VALUES (?, ?, 30, '{}', '{}', NULL, ?, 'p', 'h')");
    expect(() => insert.run(4, 'T-1', null)).toThrow(/CHECK constraint/);
    expect(() => insert.run(4, 'T-none', '{}')).toThrow(/FOREIGN KEY/);
    db.close();
  });
});
