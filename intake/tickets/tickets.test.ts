import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DispatchedTicket } from '../../contract/tickets';
import { createWorkingDays, DEFAULT_CALENDAR_FILE, loadCalendar } from '../followups/workingDays';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqliteStore';
import { loadDashboardFixture } from '../testing/dashboardFixture';
import { closedAfterEach, item } from '../testing/intakeHarness';
import { chain, newDeviceKey } from '../testing/signedOutcomes';
import { LOG_GENESIS, verifyTicketLog } from './ticketLog';
import { DEFAULT_TICKET_POLICY } from './ticketMachine';
import { createTicketWriter, createTickets, newTicketOf } from './tickets';

const stores = closedAfterEach<SqliteStore>();

const days = createWorkingDays(loadCalendar(DEFAULT_CALENDAR_FILE.pathname));
let clock = Date.parse('2026-11-23T10:00:00+08:00');

function setup() {
  const store = openSqliteStore(path.join(mkdtempSync(path.join(tmpdir(), 'tickets-')), 'i.sqlite'));
  stores.push(store);
  const writer = createTicketWriter(days.deadline, DEFAULT_TICKET_POLICY, () => clock);
  return { store, writer, tickets: createTickets(store, writer, () => clock) };
}

const dispatch = (externalRef: string, department = '税务局'): DispatchedTicket => ({ source: '12345', externalRef, hallCode: 'h1', department, level: 1, reasons: '多次补材料', staff: ['li4'], realName: false });
const handler = { id: 'handler-1', department: '税务局' };

describe('ticket storage', () => {
  it('writes only over the version the caller saw: a stale one changes nothing, not even the log', async () => {
    const { store, tickets } = setup();
    const { id } = await tickets.dispatched(dispatch('A-1'), 'hotline');
    expect(await tickets.act(id, 1, handler, { type: 'contact', reached: true, note: '已联系' })).toMatchObject({ status: 'done', row: { version: 2, stage: 'contacted' } });
    const before = await store.tickets.find(id);
    expect(await tickets.act(id, 1, handler, { type: 'contact', reached: false, note: '未接通' })).toEqual({ status: 'stale', version: 2, allowed: ['determine'] });
    expect(await store.tickets.find(id)).toEqual(before);
    expect(await store.tickets.actionsOf(id)).toHaveLength(2);
    // The store itself refuses a write over an old version.
    expect(await store.tickets.update(id, 1, { stage: 'closed', dueAt: null, excluded: false, state: '{}' })).toBe(false);
    expect(await store.tickets.find(id)).toEqual(before);
  });

  it('an illegal step changes nothing and says what is allowed', async () => {
    const { store, tickets } = setup();
    const { id } = await tickets.dispatched(dispatch('A-2'), 'hotline');
    expect(await tickets.act(id, 1, handler, { type: 'rectify', class: 'limited' })).toEqual({
      status: 'refused',
      code: 'illegal_transition',
      message: 'rectify is not allowed while the ticket is opened',
      allowed: ['contact'],
    });
    expect(await store.tickets.find(id)).toMatchObject({ version: 1, stage: 'opened' });
    expect(await tickets.act('nope', 1, handler, { type: 'close', reason: '办结' })).toEqual({ status: 'not_found' });
  });

  it('logs who, when, what, before and after, chained entry to entry', async () => {
    const { store, tickets } = setup();
    const { id } = await tickets.dispatched(dispatch('A-3'), 'hotline');
    clock += 60_000;
    await tickets.act(id, 1, handler, { type: 'contact', reached: true, note: '已联系' });
    const [opened, contacted] = await store.tickets.actionsOf(id);
    // The dispatching system is who opened it.
    expect(opened).toMatchObject({ seq: 1, ticketId: id, actor: '{"id":"dispatcher:hotline","department":null}', before: null, prevHash: LOG_GENESIS });
    expect(contacted).toMatchObject({ seq: 2, at: clock, actor: JSON.stringify(handler), before: opened!.after, prevHash: opened!.hash });
    expect(JSON.parse(contacted!.what)).toEqual({ event: { type: 'contact', reached: true, note: '已联系' }, effects: [] });
    expect(JSON.parse(contacted!.after!)).toMatchObject({ stage: 'contacted' });
    expect(await tickets.verifyLog()).toEqual({ ok: true, checked: 2 });
  });

  it('verification finds a changed entry, a removed one, and one re-linked after a removal', async () => {
    const { store, tickets } = setup();
    for (const ref of ['B-1', 'B-2', 'B-3']) await tickets.dispatched(dispatch(ref), 'hotline');
    expect(await tickets.verifyLog()).toEqual({ ok: true, checked: 3 });
    expect(() => store.db.prepare('DELETE FROM ticket_actions WHERE seq = 2').run()).toThrow('append-only');
    store.db.exec('DROP TRIGGER ticket_actions_no_update; DROP TRIGGER ticket_actions_no_delete');
    const original = store.db.prepare<[], { after: string }>('SELECT after FROM ticket_actions WHERE seq = 2').get()!.after;
    store.db.prepare('UPDATE ticket_actions SET after = ? WHERE seq = 2').run(original.replace('"realName":false', '"realName":true'));
    expect(await tickets.verifyLog()).toEqual({ ok: false, checked: 1, seq: 2, problem: 'its content does not match its hash' });
    store.db.prepare('UPDATE ticket_actions SET after = ? WHERE seq = 2').run(original);
    expect(await tickets.verifyLog()).toEqual({ ok: true, checked: 3 });
    store.db.exec('DELETE FROM ticket_actions WHERE seq = 2');
    expect(await tickets.verifyLog()).toEqual({ ok: false, checked: 1, seq: 3, problem: 'entries 2..2 are missing' });
    store.db.exec('UPDATE ticket_actions SET seq = 2 WHERE seq = 3');
    expect(await tickets.verifyLog()).toEqual({ ok: false, checked: 1, seq: 2, problem: 'does not follow the entry before it' });
  });

  it('verifies a log longer than one page', async () => {
    const { store, tickets } = setup();
    for (let i = 0; i < 7; i++) await tickets.dispatched(dispatch(`C-${i}`), 'hotline');
    expect(await verifyTicketLog(store.tickets, 3)).toEqual({ ok: true, checked: 7 });
  });

  it('lists with filters, overdue computed at the time asked, newest first, in pages', async () => {
    const { tickets } = setup();
    const ids: string[] = [];
    for (const [ref, dept] of [['D-1', '税务局'], ['D-2', '市场监管局'], ['D-3', '税务局']] as const) {
      clock += 1000;
      ids.push((await tickets.dispatched(dispatch(ref, dept), 'hotline')).id);
    }
    await tickets.act(ids[0]!, 1, handler, { type: 'contact', reached: true, note: '已联系' });
    const idsOf = async (query: Parameters<typeof tickets.list>[0], limit = 10, after?: { openedAt: number; id: string }) => (await tickets.list(query, limit, after)).tickets.map((t) => t.id);
    expect(await idsOf({})).toEqual([ids[2], ids[1], ids[0]]);
    expect(await idsOf({ department: '税务局' })).toEqual([ids[2], ids[0]]);
    expect(await idsOf({ stage: 'contacted' })).toEqual([ids[0]]);
    expect(await idsOf({ overdue: 'true' })).toEqual([]);
    clock = Date.parse('2026-11-25T00:00:00+08:00');
    expect(await idsOf({ overdue: 'true' })).toEqual([ids[2], ids[1]]);
    expect(await idsOf({ overdue: 'false' })).toEqual([ids[0]]);
    expect(await idsOf({ dueBefore: '2026-11-24T16:00:00Z' })).toEqual([ids[2], ids[1]]);
    const first = await tickets.list({}, 2);
    expect(first.tickets.map((t) => t.id)).toEqual([ids[2], ids[1]]);
    expect(await idsOf({}, 2, first.last!)).toEqual([ids[0]]);
    clock = Date.parse('2026-11-23T10:00:00+08:00');
  });

  it('a dispatched ticket is opened once per source and number', async () => {
    const { tickets } = setup();
    expect(await tickets.dispatched(dispatch('E-1'), 'hotline')).toEqual({ status: 'created', id: '12345-E-1' });
    expect(await tickets.dispatched(dispatch('E-1'), 'hotline')).toEqual({ status: 'duplicate', id: '12345-E-1' });
    expect(await tickets.dispatched({ ...dispatch('E-1'), reasons: '另一件事' }, 'hotline')).toEqual({ status: 'conflict', id: '12345-E-1' });
    // The same bill from another dispatching system is not the same ticket sent again.
    expect(await tickets.dispatched(dispatch('E-1'), 'city')).toEqual({ status: 'conflict', id: '12345-E-1' });
    expect(await tickets.verifyLog()).toEqual({ ok: true, checked: 1 });
  });

  it('refuses as stale a step computed from a row that moved meanwhile, writing neither state nor log', async () => {
    const { store, writer, tickets } = setup();
    const { id } = await tickets.dispatched(dispatch('F-1'), 'hotline');
    const seen = (await store.tickets.find(id))!;
    await tickets.act(id, 1, handler, { type: 'contact', reached: true, note: '已联系' });
    const after = await store.tickets.find(id);
    // Another node read version 1 and computes its step from it; its write lands after ours.
    expect(await writer.apply(store.tickets, seen, { type: 'contact', reached: false, note: '未接通' }, handler)).toEqual({ status: 'stale', version: 1, allowed: ['contact'] });
    expect(await store.tickets.find(id)).toEqual(after);
    expect(await store.tickets.actionsOf(id)).toHaveLength(2);
  });

  it('logs the opening as an open event with no effects, and reads nothing for an unknown ticket or 差评', async () => {
    const { store, writer, tickets } = setup();
    const { id } = await tickets.dispatched(dispatch('G-1'), 'hotline');
    expect(JSON.parse((await store.tickets.actionsOf(id))[0]!.what)).toEqual({ event: { type: 'open' }, effects: [] });
    expect(await tickets.get('no-such-ticket')).toBeUndefined();
    expect(await tickets.ratingOf('no-such-outcome')).toBeNull();
    // A withdrawn press with no ticket (not a 差评) is no event for any ticket.
    await writer.onWithdrawn(store.tickets, 'no-such-outcome');
    expect(await tickets.verifyLog()).toEqual({ ok: true, checked: 1 });
  });

  it('names the rated staff member by login and staff number', () => {
    const [outcome] = chain([item(1, { staff: { loginName: 'li4', name: '李四', staffNo: 'S-0042' } })], newDeviceKey().privateKey);
    expect(newTicketOf(outcome!, clock)).toMatchObject({ ratedStaff: ['li4', 'S-0042'], department: '市场监督管理局', hallCode: 'h1' });
  });

  it('backfills the 差评 stored before tickets in batches, each once, and says how many', async () => {
    const { store, tickets } = setup();
    // The fixture stores its 差评 with follow-ups and no tickets: five of them.
    await loadDashboardFixture(store);
    expect(await tickets.backfill(2)).toBe(5);
    const { tickets: listed } = await tickets.list({}, 10);
    expect(listed).toHaveLength(5);
    // A follow-up the fixture closed gives a ticket closed with it.
    const closed = listed.filter((t) => t.stage === 'closed');
    expect(closed.length).toBeGreaterThan(0);
    expect(listed.map((t) => [t.stage, t.version]).sort()).toEqual([...Array(closed.length).fill(['closed', 2]), ...Array(5 - closed.length).fill(['opened', 1])]);
    expect(await tickets.backfill(2)).toBe(0);
    expect(await tickets.verifyLog()).toEqual({ ok: true, checked: 5 + closed.length });
  });
});

