import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../contract/outcome';
import { startIntake, type RunningIntake } from '../server';
import { adminGet, adminStep as step, closedAfterEach, enrolledIntake, HARNESS_ADMIN, HARNESS_DISPATCHER, item, TICKET_HANDLER as handler, TICKET_REVIEWER as reviewer, upload } from '../testing/intakeHarness';
import { chain } from '../testing/signedOutcomes';

const running = closedAfterEach<RunningIntake>();

/** The intake's clock: Mon 23 Nov 2026, 10:00 Beijing, moved by the tests. */
let clock = Date.parse('2026-11-23T10:00:00+08:00');
const now = () => clock;


async function intakeWith(outcomes: (key: { privateKey: import('node:crypto').KeyObject }) => Outcome[]) {
  clock = Date.parse('2026-11-23T10:00:00+08:00');
  const { intake, key } = await enrolledIntake(running, now);
  const list = outcomes(key);
  if (list.length > 0) await upload(intake, key, list, undefined, clock);
  return { intake, key, outcomes: list };
}

const act = (intake: RunningIntake, id: string, body: unknown) =>
  intake.app.inject({ method: 'POST', url: `/v1/admin/tickets/${id}/actions`, headers: { authorization: `Bearer ${HARNESS_ADMIN}` }, payload: body as object });

describe('差评 tickets at the intake', () => {
  it('every 差评 stored opens a ticket with its follow-up; other ratings do not', async () => {
    const { intake, outcomes } = await intakeWith((key) => chain([item(1), item(4), item(2, { callback: { requested: true } })], key.privateKey));
    const [bad, , named] = outcomes;
    const { tickets, next } = await adminGet(intake, '/v1/admin/tickets');
    expect(next).toBeNull();
    expect(tickets.map((t: { id: string }) => t.id).sort()).toEqual([bad!.id, named!.id].sort());
    const ticket = await adminGet(intake, `/v1/admin/tickets/${bad!.id}`);
    expect(ticket).toMatchObject({ id: bad!.id, outcomeId: bad!.id, hallCode: 'h1', department: '市场监督管理局', stage: 'opened', version: 1, overdue: false, excluded: false, allowed: ['contact'] });
    // Mon 10:00 → contact due by the end of Tue.
    expect(ticket.dueAt).toBe('2026-11-24T15:59:59.999Z');
    expect(ticket.ticket).toMatchObject({ realName: false, ratedStaff: ['li4'] });
    expect(ticket.timeline).toEqual([expect.objectContaining({ seq: 1, actor: { id: 'system', department: null }, event: { type: 'open' }, from: null, to: 'opened' })]);
    expect((await adminGet(intake, `/v1/admin/tickets/${named!.id}`)).ticket.realName).toBe(true);
    // The follow-ups keep working beside the tickets.
    expect((await adminGet(intake, '/v1/admin/followups?status=all')).followups).toHaveLength(2);
  });

  it('runs the full loop through its actions, each in the timeline, the version going up', async () => {
    const { intake, outcomes } = await intakeWith((key) => chain([item(1)], key.privateKey));
    const id = outcomes[0]!.id;
    await step(intake, id, { type: 'contact', reached: true, note: '已电话联系' });
    await step(intake, id, { type: 'determine', finding: 'true', reason: '查看录像属实' });
    const rectifying = await step(intake, id, { type: 'rectify', class: 'limited' });
    expect(rectifying).toMatchObject({ stage: 'rectifying', dueAt: '2026-11-30T15:59:59.999Z', allowed: ['extend', 'rectified'] });
    const extended = await step(intake, id, { type: 'extend', reason: '需要协调其他部门', workingDays: 2 });
    expect(extended.dueAt).toBe('2026-12-02T15:59:59.999Z');
    await step(intake, id, { type: 'rectified', note: '已补办' });
    await step(intake, id, { type: 'feedback', reached: true, result: '已告知整改结果', satisfaction: 'satisfied' });
    const closed = await step(intake, id, { type: 'close', reason: '办结' });
    expect(closed).toMatchObject({ stage: 'closed', version: 8, allowed: [], dueAt: null });
    expect(closed.timeline.map((t: { event: { type: string }; from: string; to: string }) => `${t.event.type}:${t.from}→${t.to}`)).toEqual([
      'open:null→opened',
      'contact:opened→contacted',
      'determine:contacted→determined',
      'rectify:determined→rectifying',
      'extend:rectifying→rectifying',
      'rectified:rectifying→rectified',
      'feedback:rectified→feedback_given',
      'close:feedback_given→closed',
    ]);
    expect(closed.timeline[4]).toMatchObject({ actor: handler, effects: [{ type: 'report_to_centre', kind: 'extension' }] });
    expect(await adminGet(intake, '/v1/admin/tickets-log/verify')).toEqual({ ok: true, checked: 8 });
  });

  it('refuses an illegal step with 409 and the allowed next steps, nothing changed', async () => {
    const { intake, outcomes } = await intakeWith((key) => chain([item(2)], key.privateKey));
    const id = outcomes[0]!.id;
    const answer = await act(intake, id, { version: 1, actor: handler, event: { type: 'close', reason: '办结' } });
    expect(answer.statusCode).toBe(409);
    expect(answer.json()).toEqual({ error: { code: 'illegal_transition', message: 'close is not allowed while the ticket is opened', allowed: ['contact'] } });
    expect(await adminGet(intake, `/v1/admin/tickets/${id}`)).toMatchObject({ stage: 'opened', version: 1, timeline: [expect.anything()] });
  });

  it('two handlers at once: the second, on a stale version, gets 409 and changes nothing', async () => {
    const { intake, outcomes } = await intakeWith((key) => chain([item(2)], key.privateKey));
    const id = outcomes[0]!.id;
    const first = await act(intake, id, { version: 1, actor: handler, event: { type: 'contact', reached: true, note: '已联系' } });
    expect(first.statusCode).toBe(200);
    const second = await act(intake, id, { version: 1, actor: { id: 'handler-2', department: '市场监督管理局' }, event: { type: 'contact', reached: false, note: '未接通' } });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toEqual({ error: { code: 'stale_version', message: 'the ticket is at version 2; reload it and act again', allowed: ['determine'], version: 2 } });
    const ticket = await adminGet(intake, `/v1/admin/tickets/${id}`);
    expect(ticket).toMatchObject({ version: 2, ticket: { contact: { by: 'handler-1', reached: true } } });
    expect(ticket.timeline).toHaveLength(2);
  });

  it('an appeal upheld by a centre reviewer excludes the 差评, kept; the rated staff member may not review it', async () => {
    const { intake, outcomes } = await intakeWith((key) => chain([item(1)], key.privateKey));
    const id = outcomes[0]!.id;
    await step(intake, id, { type: 'contact', reached: true, note: '已联系' });
    await step(intake, id, { type: 'determine', finding: 'mistaken', reason: '群众误触' });
    const appealed = await step(intake, id, { type: 'appeal', reasons: '系统日志显示误触', evidence: ['b'.repeat(64)] });
    const own = await act(intake, id, { version: appealed.version, actor: { id: 'li4', department: null }, event: { type: 'decide_appeal', upheld: true, reasons: '同意申诉' } });
    expect(own.statusCode).toBe(403);
    expect(own.json().error).toEqual({ code: 'forbidden', message: 'the rated staff member may not review an appeal about their own rating', allowed: ['decide_appeal'] });
    const upheld = await step(intake, id, { type: 'decide_appeal', upheld: true, reasons: '录像证实误评' }, reviewer);
    expect(upheld).toMatchObject({ stage: 'closed', excluded: true, ticket: { appeal: { decision: { upheld: true, reviewer: 'reviewer-1' } } } });
    // The rating itself stays.
    expect((await adminGet(intake, '/v1/admin/followups?status=all')).followups).toHaveLength(1);
  });

  it('a 不属实 ticket closes with a reason; a bad body is a 400 naming the problem', async () => {
    const { intake, outcomes } = await intakeWith((key) => chain([item(1)], key.privateKey));
    const id = outcomes[0]!.id;
    await step(intake, id, { type: 'contact', reached: true, note: '已联系' });
    await step(intake, id, { type: 'determine', finding: 'untrue', reason: '录像显示办理规范' });
    const noReason = await act(intake, id, { version: 3, actor: handler, event: { type: 'close' } });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.code).toBe('invalid_action');
    expect((await step(intake, id, { type: 'close', reason: '不属实，已向群众说明' })).stage).toBe('closed');
    const unknown = await act(intake, 'no-such-ticket', { version: 1, actor: handler, event: { type: 'close', reason: '办结' } });
    expect(unknown.statusCode).toBe(404);
  });

  it('lists by stage, department and overdue, a page at a time with a cursor', async () => {
    const { intake, outcomes } = await intakeWith((key) =>
      chain([item(1), item(2), item(1, { case: { ...item(1).case, deptName: '税务局' } }), item(2)], key.privateKey),
    );
    const ids = outcomes.map((o) => o.id);
    await step(intake, ids[0]!, { type: 'contact', reached: true, note: '已联系' });
    const stage = await adminGet(intake, '/v1/admin/tickets?stage=contacted');
    expect(stage.tickets.map((t: { id: string }) => t.id)).toEqual([ids[0]]);
    const dept = await adminGet(intake, `/v1/admin/tickets?department=${encodeURIComponent('税务局')}`);
    expect(dept.tickets.map((t: { id: string }) => t.id)).toEqual([ids[2]]);
    // Past Tuesday's end: the three not contacted are overdue; the contacted one is not.
    clock = Date.parse('2026-11-25T09:00:00+08:00');
    const overdue = await adminGet(intake, '/v1/admin/tickets?overdue=true');
    expect(overdue.tickets.map((t: { id: string }) => t.id).sort()).toEqual([ids[1], ids[2], ids[3]].sort());
    expect(overdue.tickets.every((t: { overdue: boolean }) => t.overdue)).toBe(true);
    expect((await adminGet(intake, '/v1/admin/tickets?overdue=false')).tickets.map((t: { id: string }) => t.id)).toEqual([ids[0]]);
    expect((await adminGet(intake, `/v1/admin/tickets?dueBefore=${encodeURIComponent('2026-11-24T00:00:00Z')}`)).tickets).toEqual([]);
    const seen: string[] = [];
    let url = '/v1/admin/tickets?limit=3';
    for (;;) {
      const page = await adminGet(intake, url);
      seen.push(...page.tickets.map((t: { id: string }) => t.id));
      if (!page.next) break;
      url = `/v1/admin/tickets?limit=3&after=${page.next}`;
    }
    expect(seen.sort()).toEqual([...ids].sort());
    expect((await intake.app.inject({ method: 'GET', url: '/v1/admin/tickets?stage=done', headers: { authorization: `Bearer ${HARNESS_ADMIN}` } })).statusCode).toBe(400);
    expect((await intake.app.inject({ method: 'GET', url: '/v1/admin/tickets' })).statusCode).toBe(401);
  });

  it('details asking for a callback make the ticket 实名; a withdrawal closes it, kept', async () => {
    const { intake, key, outcomes } = await intakeWith((k) => chain([item(2, { tags: [] }), item(1, { tags: [] })], k.privateKey));
    const [press, other] = outcomes;
    const follow = chain(
      [
        { ...item(2, { tags: [] }), invitationId: press!.invitationId, case: press!.case, amends: { outcomeId: press!.id, kind: 'details' as const }, callback: { requested: true } },
        { ...item(1, { tags: [] }), invitationId: other!.invitationId, case: other!.case, amends: { outcomeId: other!.id, kind: 'withdrawal' as const } },
      ],
      key.privateKey,
      other,
    );
    expect((await upload(intake, key, follow, undefined, clock)).results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    expect(await adminGet(intake, `/v1/admin/tickets/${press!.id}`)).toMatchObject({ stage: 'opened', version: 2, ticket: { realName: true } });
    expect(await adminGet(intake, `/v1/admin/tickets/${other!.id}`)).toMatchObject({ stage: 'closed', ticket: { closed: { reason: 'withdrawn by the citizen' } } });
  });

  it('the action log verifies, and a tampered entry is found', async () => {
    const { intake, outcomes } = await intakeWith((key) => chain([item(1), item(2)], key.privateKey));
    await step(intake, outcomes[0]!.id, { type: 'contact', reached: true, note: '已联系' });
    expect(await adminGet(intake, '/v1/admin/tickets-log/verify')).toEqual({ ok: true, checked: 3 });
    // The database refuses to change an entry …
    expect(() => intake.db.prepare('UPDATE ticket_actions SET actor = ? WHERE seq = 3').run('{"id":"someone-else","department":null}')).toThrow('append-only');
    // … and one changed behind its back breaks the chain there.
    intake.db.exec('DROP TRIGGER ticket_actions_no_update');
    intake.db.prepare('UPDATE ticket_actions SET actor = ? WHERE seq = 3').run('{"id":"someone-else","department":null}');
    expect(await adminGet(intake, '/v1/admin/tickets-log/verify')).toEqual({ ok: false, checked: 2, seq: 3, problem: 'its content does not match its hash' });
  });

  it('opens a ticket dispatched from above (12345), once per source and number; another body is a conflict', async () => {
    const { intake } = await intakeWith(() => []);
    const dispatch = { source: '12345', externalRef: 'GD-2026-0001', hallCode: 'h1', department: '税务局', level: 1, reasons: '办理退税多次被要求补材料', realName: true, deadline: '2026-11-30T18:00:00+08:00' };
    const post = (body: unknown, token = HARNESS_DISPATCHER.token) => intake.app.inject({ method: 'POST', url: '/v1/tickets/dispatched', headers: { authorization: `Bearer ${token}` }, payload: body as object });
    const created = await post(dispatch);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ id: '12345-GD-2026-0001', outcomeId: null, hallCode: 'h1', department: '税务局', stage: 'opened', version: 1, dispatch: { ...dispatch, staff: [] }, dispatcher: 'test-province', ticket: { realName: true } });
    expect(created.json().dispatch.dispatcher).toBeUndefined();
    // The dispatching system opened it, in the hash-chained log.
    expect(created.json().timeline).toEqual([expect.objectContaining({ seq: 1, actor: { id: 'dispatcher:test-province', department: null }, event: { type: 'open' } })]);
    expect(created.json().dueAt).toBe('2026-11-24T15:59:59.999Z');
    const again = await post(dispatch);
    expect(again.statusCode).toBe(200);
    expect(again.json().version).toBe(1);
    const other = await post({ ...dispatch, reasons: '另一件事' });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('conflict');
    expect((await post({ ...dispatch, level: 3 })).statusCode).toBe(400);
    // A deadline caps the due date: a day without a time, a time without an offset or a bare year would be read in a guessed zone.
    for (const deadline of ['2026-11-30', '2026-11-30 18:00', '11/30/2026', '1']) expect((await post({ ...dispatch, externalRef: `GD-${deadline}`, deadline })).statusCode).toBe(400);
    expect((await adminGet(intake, `/v1/admin/tickets?department=${encodeURIComponent('税务局')}`)).tickets.map((t: { id: string }) => t.id)).toEqual(['12345-GD-2026-0001']);
    expect(await adminGet(intake, '/v1/admin/tickets-log/verify')).toEqual({ ok: true, checked: 1 });
  });

  it('takes a dispatch only with a dispatching system\'s own token, and only for its halls', async () => {
    const { intake } = await intakeWith(() => []);
    const dispatch = { source: 'province', externalRef: 'SZ-9', hallCode: 'h1', department: '税务局', level: 2, reasons: '等待时间过长', realName: false };
    const post = (body: unknown, headers: Record<string, string>) => intake.app.inject({ method: 'POST', url: '/v1/tickets/dispatched', headers, payload: body as object });
    const wrong = await post(dispatch, { authorization: 'Bearer not-a-dispatch-token-0123456789abcdef' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('unauthorized');
    expect((await post(dispatch, {})).statusCode).toBe(401);
    // The admin token no longer dispatches, and the old admin route is gone.
    expect((await post(dispatch, { authorization: `Bearer ${HARNESS_ADMIN}` })).statusCode).toBe(401);
    expect((await intake.app.inject({ method: 'POST', url: '/v1/admin/tickets/dispatched', headers: { authorization: `Bearer ${HARNESS_ADMIN}` }, payload: dispatch })).statusCode).toBe(404);
    const elsewhere = await post({ ...dispatch, hallCode: 'h2' }, { authorization: `Bearer ${HARNESS_DISPATCHER.token}` });
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json().error.code).toBe('hall_not_allowed');
    expect((await adminGet(intake, '/v1/admin/tickets')).tickets).toEqual([]);
    expect(await adminGet(intake, '/v1/admin/tickets-log/verify')).toEqual({ ok: true, checked: 0 });
  });

  it('backfills tickets for 差评 stored before tickets, closed ones closed', async () => {
    const { intake, outcomes } = await intakeWith((key) => chain([item(1), item(2)], key.privateKey));
    const file = intake.db.name;
    await intake.close();
    running.splice(running.indexOf(intake), 1);
    // The file as it was before tickets: no ticket rows, one follow-up closed.
    const db = new Database(file);
    db.exec('DROP TRIGGER ticket_actions_no_delete; DELETE FROM ticket_actions; DELETE FROM tickets;');
    db.prepare('UPDATE followups SET closed_at = ?, note = ? WHERE outcome_id = ?').run(clock, '已回访', outcomes[1]!.id);
    db.close();
    const again = await startIntake({ dbFile: file, port: 0, corsOrigins: [], adminToken: HARNESS_ADMIN, log: () => undefined, now });
    running.push(again);
    expect(await adminGet(again, `/v1/admin/tickets/${outcomes[0]!.id}`)).toMatchObject({ stage: 'opened', version: 1 });
    expect(await adminGet(again, `/v1/admin/tickets/${outcomes[1]!.id}`)).toMatchObject({ stage: 'closed', version: 2, ticket: { closed: { reason: 'follow-up closed before tickets: 已回访' } } });
    expect(await adminGet(again, '/v1/admin/tickets-log/verify')).toEqual({ ok: true, checked: 3 });
  });
});
