import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from './index';

const schemaOf = (db: Database.Database, table: string) =>
  db.prepare<[string], { type: string; name: string }>("SELECT type, name FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY type, name").all(table);

describe('migration 22: follow-ups, tickets and the forwarding queue also stand for phone ratings', () => {
  it('keeps every row, index and trigger, drops only the foreign key to outcomes, and keeps the tickets log tied to its tickets', () => {
    const db = new Database(path.join(mkdtempSync(path.join(tmpdir(), 'migration-22-')), 'i.sqlite'));
    db.pragma('foreign_keys = ON');
    migrate(db, 21);
    db.prepare(
      "INSERT INTO outcomes (id, device_id, seq, body_hash, body, received_at, outcome, level, rated_at, hall_code, window_no, staff_login, dept_name, task_code) VALUES ('o1', 'd', 1, 'h', '{}', 10, 'rated', 1, '2026-12-01T10:00:00+08:00', 'H', '1', 's', 'dept', 't')",
    ).run();
    db.prepare("INSERT INTO followups (outcome_id, class, opened_at, due_at, counted_on_ingest) VALUES ('o1', '5wd', 10, 20, 1)").run();
    db.prepare("INSERT INTO tickets (id, outcome_id, hall_code, stage, opened_at, version, state) VALUES ('o1', 'o1', 'H', 'opened', 10, 1, '{}')").run();
    db.prepare("INSERT INTO ticket_actions (seq, ticket_id, at, actor, what, after, prev_hash, hash) VALUES (1, 'o1', 10, 'system', '{}', '{}', 'p', 'h')").run();
    db.prepare("INSERT INTO forward_queue (outcome_id, destination, state, next_attempt_at, stored_at, updated_at) VALUES ('o1', 'fj', 'pending', 10, 10, 10)").run();
    const before = ['followups', 'tickets', 'forward_queue'].map((t) => schemaOf(db, t));
    expect(() => db.prepare("INSERT INTO followups (outcome_id, class, opened_at, due_at) VALUES ('phone-1', '5wd', 1, 2)").run()).toThrow(/FOREIGN KEY/);

    migrate(db);

    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(['followups', 'tickets', 'forward_queue'].map((t) => schemaOf(db, t))).toEqual(before);
    expect(db.prepare('SELECT outcome_id, class, due_at, counted_on_ingest FROM followups').all()).toEqual([{ outcome_id: 'o1', class: '5wd', due_at: 20, counted_on_ingest: 1 }]);
    expect(db.prepare('SELECT count(*) AS n FROM tickets').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT state, late FROM forward_queue').get()).toEqual({ state: 'pending', late: 0 });
    // A phone rating's id now stands where an outcome id does.
    db.prepare("INSERT INTO followups (outcome_id, class, opened_at, due_at, counted_on_ingest) VALUES ('phone-1', '5wd', 1, 2, 1)").run();
    db.prepare("INSERT INTO tickets (id, outcome_id, hall_code, stage, opened_at, version, state) VALUES ('phone-1', 'phone-1', 'H', 'opened', 1, 1, '{}')").run();
    db.prepare("INSERT INTO forward_queue (outcome_id, destination, state, next_attempt_at, stored_at, updated_at) VALUES ('phone-1', 'fj', 'pending', 1, 1, 1)").run();
    // The log still names only tickets that exist, and still refuses changes.
    expect(() => db.prepare("INSERT INTO ticket_actions (seq, ticket_id, at, actor, what, after, prev_hash, hash) VALUES (2, 'nope', 1, 's', '{}', '{}', 'h', 'h2')").run()).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare('DELETE FROM ticket_actions').run()).toThrow(/append-only/);
  });
});
