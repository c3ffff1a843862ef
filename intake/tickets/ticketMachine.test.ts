import { describe, expect, it } from 'vitest';
import { TICKET_EVENT_TYPES, type TicketActor, type TicketEvent, type TicketEventType, type TicketStage } from '../../contract/tickets';
import { createWorkingDays, DEFAULT_CALENDAR_FILE, loadCalendar } from '../followups/workingDays';
import { allowedSteps, cappedDue, DEFAULT_TICKET_POLICY, dueIsExternal, isOverdue, openTicket, reviewerConflict, transition, type Ticket, type TicketEnv, type TicketMachineEvent, type TicketPolicy } from './ticketMachine';

const days = createWorkingDays(loadCalendar(DEFAULT_CALENDAR_FILE.pathname));
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const handler: TicketActor = { id: 'handler-1', department: '市场监管局' };
const reviewer: TicketActor = { id: 'reviewer-1', department: '政务服务管理办公室' };
const system: TicketActor = { id: 'system', department: null };

/** Fri 20 Nov 2026, 10:00 Beijing. */
const OPENED = at('2026-11-20T10:00:00+08:00');

function env(now: number, actor: TicketActor = handler, policy: TicketPolicy = DEFAULT_TICKET_POLICY): TicketEnv {
  return { now, actor, deadline: days.deadline, policy };
}

function fresh(realName = false, openedAt = OPENED): Ticket {
  return openTicket({ openedAt, realName, ratedStaff: ['zhang.san', 'S-007'], department: '市场监管局' }, days.deadline, DEFAULT_TICKET_POLICY);
}

/** Applies events in order, each a step later, failing on any refusal. */
function run(ticket: Ticket, events: Array<[TicketMachineEvent, TicketActor?]>, start = OPENED): Ticket {
  let now = start;
  for (const [event, actor] of events) {
    now += 60_000;
    const result = transition(ticket, event, env(now, actor));
    if (!result.ok) throw new Error(`${event.type} refused: ${result.message}`);
    ticket = result.ticket;
  }
  return ticket;
}

const E = {
  contact: { type: 'contact', reached: true, note: '已电话联系' },
  determineTrue: { type: 'determine', finding: 'true', reason: '查看录像属实' },
  determineUntrue: { type: 'determine', finding: 'untrue', reason: '查看录像不属实' },
  determineMistaken: { type: 'determine', finding: 'mistaken', reason: '群众误操作' },
  determineMalicious: { type: 'determine', finding: 'malicious', reason: '依法办理，恶意差评' },
  rectify: { type: 'rectify', class: 'limited' },
  extend: { type: 'extend', reason: '需多部门协调', workingDays: 3 },
  rectified: { type: 'rectified', note: '已补办' },
  feedback: { type: 'feedback', reached: true, result: '已告知整改结果', satisfaction: 'satisfied' },
  close: { type: 'close', reason: '办结' },
  appeal: { type: 'appeal', reasons: '系统记录显示误触', evidence: ['a'.repeat(64)] },
  uphold: { type: 'decide_appeal', upheld: true, reasons: '录像证实误评' },
  reject: { type: 'decide_appeal', upheld: false, reasons: '证据不足以认定' },
} satisfies Record<string, TicketEvent>;

/** One ticket per stage (and per branch of determined), reached by legal steps only; built inside each test. */
const contacted = () => run(fresh(), [[E.contact]]);
const rectifyingT = () => run(contacted(), [[E.determineTrue], [E.rectify]]);
const rectifiedT = () => run(rectifyingT(), [[E.rectified]]);
const appealedT = () => run(contacted(), [[E.determineMistaken], [E.appeal]]);
const STAGES: Array<{ name: string; build: () => Ticket; allowed: TicketEventType[] }> = [
  { name: 'opened', build: () => fresh(), allowed: ['contact'] },
  { name: 'contacted', build: contacted, allowed: ['determine'] },
  { name: 'determined 属实', build: () => run(contacted(), [[E.determineTrue]]), allowed: ['rectify'] },
  { name: 'determined 不属实', build: () => run(contacted(), [[E.determineUntrue]]), allowed: ['close'] },
  { name: 'determined 误评', build: () => run(contacted(), [[E.determineMistaken]]), allowed: ['appeal', 'close'] },
  { name: 'determined 恶意评价', build: () => run(contacted(), [[E.determineMalicious]]), allowed: ['appeal', 'close'] },
  { name: 'appealed', build: appealedT, allowed: ['decide_appeal'] },
  { name: 'determined after a rejected appeal', build: () => run(appealedT(), [[E.reject, reviewer]]), allowed: ['rectify'] },
  { name: 'rectifying', build: rectifyingT, allowed: ['extend', 'rectified'] },
  { name: 'rectified (anonymous)', build: rectifiedT, allowed: ['feedback', 'close'] },
  { name: 'rectified (实名)', build: () => run(fresh(true), [[E.contact], [E.determineTrue], [E.rectify], [E.rectified]]), allowed: ['feedback'] },
  { name: 'feedback_given', build: () => run(rectifiedT(), [[E.feedback]]), allowed: ['close'] },
  { name: 'closed', build: () => run(rectifiedT(), [[E.close]]), allowed: [] },
  { name: 'closed after an upheld appeal', build: () => run(appealedT(), [[E.uphold, reviewer]]), allowed: [] },
];
const ticketsByStage = () => STAGES.map(({ name, build, allowed }) => ({ name, ticket: build(), allowed }));

/** A valid event of each type, as a person would send it. */
const SAMPLE: Record<TicketEventType, TicketEvent> = {
  contact: E.contact,
  determine: E.determineTrue,
  rectify: E.rectify,
  extend: E.extend,
  rectified: E.rectified,
  feedback: E.feedback,
  close: E.close,
  appeal: E.appeal,
  decide_appeal: E.uphold,
};

describe('ticket machine: which steps each stage allows', () => {
  for (const { name, build, allowed } of STAGES) {
    it(`${name}: allows ${allowed.join(', ') || 'nothing'}`, () => {
      expect(allowedSteps(build())).toEqual(allowed);
    });

    for (const type of TICKET_EVENT_TYPES.filter((t) => !allowed.includes(t))) {
      it(`${name}: refuses ${type} with the allowed next steps, unchanged`, () => {
        const ticket = build();
        const before = structuredClone(ticket);
        const result = transition(ticket, SAMPLE[type], env(OPENED + 86_400_000, reviewer));
        expect(result).toEqual({ ok: false, code: 'illegal_transition', message: `${type} is not allowed while the ticket is ${ticket.stage}`, allowed });
        expect(ticket).toEqual(before);
      });
    }
  }
});

describe('ticket machine: each legal step', () => {
  it('opens with the first contact due at the end of the next working day', () => {
    const ticket = fresh();
    expect(ticket.stage).toBe('opened');
    // Fri → Mon 23 Nov, end of day in Beijing.
    expect(iso(ticket.dueAt)).toBe('2026-11-23T15:59:59.999Z');
    expect(ticket).toMatchObject({ realName: false, excluded: false, contact: null, finding: null, rectification: null, appeal: null, feedback: null, closed: null });
  });

  it('contact: contacted, the deadline stops, on time or late', () => {
    const onTime = transition(fresh(), E.contact, env(at('2026-11-23T09:00:00+08:00')));
    expect(onTime).toEqual({
      ok: true,
      effects: [],
      ticket: { ...fresh(), stage: 'contacted', dueAt: null, contact: { at: at('2026-11-23T09:00:00+08:00'), by: 'handler-1', reached: true, note: '已电话联系', late: false } },
    });
    const late = transition(fresh(), { type: 'contact', reached: false, note: '无人接听' }, env(at('2026-11-24T00:00:00+08:00')));
    expect(late.ok && late.ticket.contact).toMatchObject({ reached: false, late: true });
  });

  it('determine: records the finding, its reason and who', () => {
    const contacted = run(fresh(), [[E.contact]]);
    for (const finding of ['true', 'untrue', 'mistaken', 'malicious'] as const) {
      const result = transition(contacted, { type: 'determine', finding, reason: '核实' }, env(OPENED + 1));
      expect(result).toEqual({ ok: true, effects: [], ticket: { ...contacted, stage: 'determined', finding: { finding, reason: '核实', at: OPENED + 1, by: 'handler-1' } } });
    }
  });

  it('rectify: the class sets the due date in working days from the day it starts', () => {
    const determined = run(fresh(), [[E.contact], [E.determineTrue]]);
    const start = at('2026-09-30T16:00:00+08:00'); // Wed, before the National Day week
    const due = (cls: 'immediate' | 'limited' | 'coordinated', policy = DEFAULT_TICKET_POLICY) => {
      const result = transition(determined, { type: 'rectify', class: cls }, env(start, handler, policy));
      if (!result.ok) throw new Error(result.message);
      expect(result.ticket.stage).toBe('rectifying');
      expect(result.ticket.rectification).toEqual({ class: cls, startedAt: start, dueAt: result.ticket.dueAt, extensions: [], doneAt: null, note: null, onTime: null });
      return iso(result.ticket.dueAt);
    };
    // 1–7 Oct off, Sat 10 Oct a make-up working day.
    expect(due('immediate')).toBe('2026-10-08T15:59:59.999Z');
    expect(due('limited')).toBe('2026-10-13T15:59:59.999Z');
    expect(due('coordinated')).toBe('2026-10-27T15:59:59.999Z');
    // A county's own default: 10 working days for the general class.
    expect(due('limited', { ...DEFAULT_TICKET_POLICY, classDays: { ...DEFAULT_TICKET_POLICY.classDays, limited: 10 } })).toBe('2026-10-20T15:59:59.999Z');
  });

  it('extend: a written reason, a new due date counted on from the old one, reported to the centre', () => {
    const start = at('2026-09-30T16:00:00+08:00');
    const rectifying = run(fresh(), [[E.contact], [E.determineTrue], [{ type: 'rectify', class: 'immediate' }]], start - 180_000);
    expect(iso(rectifying.dueAt)).toBe('2026-10-08T15:59:59.999Z');
    const later = at('2026-10-08T10:00:00+08:00');
    const first = transition(rectifying, { type: 'extend', reason: '需要协调', workingDays: 2 }, env(later));
    if (!first.ok) throw new Error(first.message);
    expect(first.effects).toEqual([{ type: 'report_to_centre', kind: 'extension' }]);
    // Thu 8 Oct + 2 working days: Fri 9, Sat 10 (made a working day).
    expect(iso(first.ticket.dueAt)).toBe('2026-10-10T15:59:59.999Z');
    expect(first.ticket.stage).toBe('rectifying');
    expect(first.ticket.rectification?.dueAt).toBe(first.ticket.dueAt);
    expect(first.ticket.rectification?.extensions).toEqual([{ reason: '需要协调', workingDays: 2, fromDueAt: rectifying.dueAt, newDueAt: first.ticket.dueAt, at: later, by: 'handler-1' }]);
    const second = transition(first.ticket, { type: 'extend', reason: '仍需协调', workingDays: 1 }, env(later + 1));
    expect(second.ok && second.ticket.rectification?.extensions.map((e) => iso(e.newDueAt))).toEqual(['2026-10-10T15:59:59.999Z', '2026-10-12T15:59:59.999Z']);
  });

  it('rectified: done, on time against the running due date, the deadline stops', () => {
    const rectifying = run(fresh(), [[E.contact], [E.determineTrue], [E.rectify]]);
    const dueAt = rectifying.dueAt!;
    const onTime = transition(rectifying, E.rectified, env(dueAt));
    expect(onTime).toEqual({ ok: true, effects: [], ticket: { ...rectifying, stage: 'rectified', dueAt: null, rectification: { ...rectifying.rectification!, doneAt: dueAt, note: '已补办', onTime: true } } });
    const late = transition(rectifying, E.rectified, env(dueAt + 1));
    expect(late.ok && late.ticket.rectification?.onTime).toBe(false);
  });

  it('feedback: the revisit result and the satisfaction with the fix', () => {
    const rectified = run(fresh(true), [[E.contact], [E.determineTrue], [E.rectify], [E.rectified]]);
    const result = transition(rectified, E.feedback, env(OPENED + 1));
    expect(result).toEqual({
      ok: true,
      effects: [],
      ticket: { ...rectified, stage: 'feedback_given', feedback: { at: OPENED + 1, by: 'handler-1', reached: true, result: '已告知整改结果', satisfaction: 'satisfied' } },
    });
  });

  it('feedback: a 实名差评 needs the citizen reached; a reached citizen gives their satisfaction', () => {
    const named = run(fresh(true), [[E.contact], [E.determineTrue], [E.rectify], [E.rectified]]);
    const unreached = transition(named, { type: 'feedback', reached: false, result: '未接通' }, env(OPENED));
    expect(unreached).toEqual({ ok: false, code: 'invalid', message: 'a 实名差评 needs the citizen reached: record the feedback once the callback succeeds', allowed: ['feedback'] });
    const noSatisfaction = transition(named, { type: 'feedback', reached: true, result: '已告知' }, env(OPENED));
    expect(noSatisfaction).toEqual({ ok: false, code: 'invalid', message: 'a citizen reached at the revisit gives their satisfaction with the fix', allowed: ['feedback'] });
    const anonymous = run(fresh(false), [[E.contact], [E.determineTrue], [E.rectify], [E.rectified]]);
    const notReached = transition(anonymous, { type: 'feedback', reached: false, result: '未接通' }, env(OPENED));
    expect(notReached.ok && notReached.ticket.feedback).toEqual({ at: OPENED, by: 'handler-1', reached: false, result: '未接通', satisfaction: null });
  });

  it('close: from feedback, from a rectified anonymous 差评, or 不属实 with its reason', () => {
    const rectified = run(fresh(), [[E.contact], [E.determineTrue], [E.rectify], [E.rectified]]);
    for (const ticket of [rectified, run(rectified, [[E.feedback]]), run(fresh(), [[E.contact], [E.determineUntrue]])]) {
      const result = transition(ticket, { type: 'close', reason: '经核实不属实' }, env(OPENED + 5));
      expect(result).toEqual({ ok: true, effects: [], ticket: { ...ticket, stage: 'closed', dueAt: null, closed: { at: OPENED + 5, by: 'handler-1', reason: '经核实不属实' } } });
    }
  });

  it('appeal: the department files reasons and evidence hashes, reported to the centre', () => {
    const determined = run(fresh(), [[E.contact], [E.determineMalicious]]);
    const result = transition(determined, E.appeal, env(OPENED + 9));
    expect(result).toEqual({
      ok: true,
      effects: [{ type: 'report_to_centre', kind: 'appeal_filed' }],
      ticket: { ...determined, stage: 'appealed', appeal: { finding: 'malicious', department: '市场监管局', reasons: '系统记录显示误触', evidence: ['a'.repeat(64)], filedAt: OPENED + 9, by: 'handler-1', decision: null } },
    });
    // Filed by someone with no department: the ticket's department appeals.
    const noDept = transition(determined, E.appeal, env(OPENED + 9, { id: 'hall-manager', department: null }));
    expect(noDept.ok && noDept.ticket.appeal?.department).toBe('市场监管局');
  });

  it('decide_appeal upheld: closed, excluded from the statistics, never deleted', () => {
    const appealed = run(fresh(), [[E.contact], [E.determineMistaken], [E.appeal]]);
    const result = transition(appealed, E.uphold, env(OPENED + 10, reviewer));
    expect(result).toEqual({
      ok: true,
      effects: [{ type: 'exclude_from_statistics' }, { type: 'report_to_centre', kind: 'excluded_after_appeal' }],
      ticket: {
        ...appealed,
        stage: 'closed',
        excluded: true,
        appeal: { ...appealed.appeal!, decision: { upheld: true, reasons: '录像证实误评', reviewer: 'reviewer-1', reviewerDepartment: '政务服务管理办公室', at: OPENED + 10 } },
        closed: { at: OPENED + 10, by: 'reviewer-1', reason: '录像证实误评' },
      },
    });
  });

  it('decide_appeal rejected: back to determined as 属实, the appeal and its decision kept', () => {
    const appealed = run(fresh(), [[E.contact], [E.determineMistaken], [E.appeal]]);
    const result = transition(appealed, E.reject, env(OPENED + 10, reviewer));
    expect(result).toEqual({
      ok: true,
      effects: [],
      ticket: {
        ...appealed,
        stage: 'determined',
        appeal: { ...appealed.appeal!, decision: { upheld: false, reasons: '证据不足以认定', reviewer: 'reviewer-1', reviewerDepartment: '政务服务管理办公室', at: OPENED + 10 } },
        finding: { finding: 'true', reason: 'appeal rejected: 证据不足以认定', at: OPENED + 10, by: 'reviewer-1' },
      },
    });
  });

  it('a full loop: opened → contacted → 属实 → rectifying → extended → rectified → feedback → closed', () => {
    const ticket = run(fresh(true), [[E.contact], [E.determineTrue], [E.rectify], [E.extend], [E.rectified], [E.feedback], [E.close]]);
    expect(ticket.stage).toBe('closed');
    expect(ticket.rectification?.extensions).toHaveLength(1);
    expect(ticket.excluded).toBe(false);
  });
});

describe('ticket machine: the appeal reviewer', () => {
  const appealedByTaxOffice = () => run(fresh(), [[E.contact], [E.determineMistaken], [E.appeal, { id: 'handler-2', department: '税务局' }]]);

  it('is never the rated staff member, by login name or staff number', () => {
    for (const id of ['zhang.san', 'S-007']) {
      const result = transition(appealedByTaxOffice(), E.uphold, env(OPENED, { id, department: '政务服务管理办公室' }));
      expect(result).toEqual({ ok: false, code: 'forbidden', message: 'the rated staff member may not review an appeal about their own rating', allowed: ['decide_appeal'] });
      expect(reviewerConflict(appealedByTaxOffice(), { id, department: null })).not.toBeNull();
    }
  });

  it('is never from the appealing department nor the rated one', () => {
    for (const department of ['税务局', '市场监管局']) {
      const result = transition(appealedByTaxOffice(), E.reject, env(OPENED, { id: 'someone', department }));
      expect(result).toEqual({ ok: false, code: 'forbidden', message: 'a reviewer from the appealing department may not decide its appeal', allowed: ['decide_appeal'] });
    }
  });

  it('a ticket with no department: a reviewer without one is no conflict; before any appeal, the rated department is', () => {
    const noDept: Ticket = { ...appealedByTaxOffice(), department: null, appeal: { ...appealedByTaxOffice().appeal!, department: null } };
    expect(reviewerConflict(noDept, { id: 'manager', department: null })).toBeNull();
    const notAppealed = run(fresh(), [[E.contact], [E.determineMistaken]]);
    expect(reviewerConflict(notAppealed, { id: 'x', department: '市场监管局' })).toBe('a reviewer from the appealing department may not decide its appeal');
    expect(reviewerConflict(notAppealed, reviewer)).toBeNull();
  });

  it('may be anyone else, a centre reviewer or one without a department', () => {
    expect(reviewerConflict(appealedByTaxOffice(), reviewer)).toBeNull();
    expect(reviewerConflict(appealedByTaxOffice(), { id: 'manager', department: null })).toBeNull();
    expect(transition(appealedByTaxOffice(), E.uphold, env(OPENED, { id: 'manager', department: null })).ok).toBe(true);
  });
});

describe('ticket machine: events the intake raises itself', () => {
  const open = () => ticketsByStage().filter((s) => s.ticket.stage !== 'closed');

  it('callback_requested makes any open ticket 实名, nothing else changes', () => {
    for (const { ticket } of open()) {
      expect(transition(ticket, { type: 'callback_requested' }, env(OPENED, system))).toEqual({ ok: true, effects: [], ticket: { ...ticket, realName: true } });
    }
  });

  it('withdrawn closes any open ticket, kept', () => {
    for (const { ticket } of open()) {
      expect(transition(ticket, { type: 'withdrawn' }, env(OPENED + 3, system))).toEqual({
        ok: true,
        effects: [],
        ticket: { ...ticket, stage: 'closed', dueAt: null, closed: { at: OPENED + 3, by: 'system', reason: 'withdrawn by the citizen' } },
      });
    }
  });

  it('legacy_closed closes an untouched ticket at the follow-up close time, and nothing else', () => {
    const result = transition(fresh(), { type: 'legacy_closed', at: OPENED + 7, note: '已回访' }, env(OPENED + 99, system));
    expect(result).toEqual({ ok: true, effects: [], ticket: { ...fresh(), stage: 'closed', dueAt: null, closed: { at: OPENED + 7, by: 'system', reason: 'follow-up closed before tickets: 已回访' } } });
    for (const { ticket } of open().filter((s) => s.ticket.stage !== 'opened')) {
      expect(transition(ticket, { type: 'legacy_closed', at: OPENED, note: 'x' }, env(OPENED, system))).toEqual({
        ok: false,
        code: 'illegal_transition',
        message: 'only an untouched ticket takes the close of its earlier follow-up',
        allowed: allowedSteps(ticket),
      });
    }
  });

  it('none of them applies to a closed ticket', () => {
    const closed = run(fresh(), [[E.contact], [E.determineUntrue], [E.close]]);
    for (const event of [{ type: 'callback_requested' }, { type: 'withdrawn' }, { type: 'legacy_closed', at: OPENED, note: 'x' }] as const) {
      expect(transition(closed, event, env(OPENED, system))).toEqual({ ok: false, code: 'illegal_transition', message: `${event.type} on a closed ticket`, allowed: [] });
    }
  });
});

describe('ticket machine: overdue is computed from the running deadline', () => {
  it('a ticket not contacted by the end of the next working day is overdue', () => {
    const ticket = fresh();
    expect(isOverdue(ticket, ticket.dueAt!)).toBe(false);
    expect(isOverdue(ticket, ticket.dueAt! + 1)).toBe(true);
  });

  it('a rectification past its due date is overdue until extended', () => {
    const rectifying = run(fresh(), [[E.contact], [E.determineTrue], [E.rectify]]);
    const past = rectifying.dueAt! + 1;
    expect(isOverdue(rectifying, past)).toBe(true);
    const extended = transition(rectifying, E.extend, env(past));
    expect(extended.ok && isOverdue(extended.ticket, past)).toBe(false);
  });

  it('a ticket without a deadline is never overdue', () => {
    expect(isOverdue({ ...fresh(), dueAt: null }, OPENED + 365 * 86_400_000)).toBe(false);
  });

  it('no stage without a running deadline is overdue, however late', () => {
    const late = OPENED + 365 * 86_400_000;
    const flagged = ticketsByStage()
      .filter(({ ticket }) => isOverdue(ticket, late))
      .map(({ ticket }) => ticket.stage);
    expect(flagged).toEqual(['opened', 'rectifying']);
    // A deadline left on a ticket of another stage does not make it overdue.
    const stale: Ticket = { ...run(fresh(), [[E.contact]]), dueAt: OPENED };
    expect(isOverdue(stale, late)).toBe(false);
  });
});

describe("ticket machine: a dispatched ticket's own deadline (转办通报单) against the hall's working days", () => {
  /** Wed 30 Sep 2026, 10:00 Beijing: the National Day holiday (1–7 Oct) follows, Sat 10 Oct is a make-up working day. */
  const DISPATCHED = at('2026-09-30T10:00:00+08:00');
  const dispatched = (deadline: string) =>
    openTicket({ openedAt: DISPATCHED, realName: false, ratedStaff: [], department: '市场监管局', externalDueAt: at(deadline) }, days.deadline, DEFAULT_TICKET_POLICY);
  const step = (ticket: Ticket, event: TicketMachineEvent, now: string) => {
    const result = transition(ticket, event, env(at(now)));
    if (!result.ok) throw new Error(`${event.type} refused: ${result.message}`);
    return result.ticket;
  };
  /** Contacted on Thu 8 Oct (the first working day after the holiday), 属实, 限时整改 (5 working days) the same morning. */
  const rectifying = (deadline: string) => {
    const contacted = step(dispatched(deadline), E.contact, '2026-10-08T09:00:00+08:00');
    return step(step(contacted, E.determineTrue, '2026-10-08T09:30:00+08:00'), E.rectify, '2026-10-08T10:00:00+08:00');
  };

  it("the hall's contact day wins when it is earlier: the first working day after the holiday", () => {
    const ticket = dispatched('2026-10-09T17:30:00+08:00');
    expect(iso(ticket.dueAt)).toBe('2026-10-08T15:59:59.999Z');
    expect(dueIsExternal(ticket)).toBe(false);
  });

  it("a province deadline earlier than the hall's contact day is the contact's due date", () => {
    const ticket = dispatched('2026-09-30T16:00:00+08:00');
    expect(iso(ticket.dueAt)).toBe('2026-09-30T08:00:00.000Z');
    expect(dueIsExternal(ticket)).toBe(true);
    expect(isOverdue(ticket, at('2026-09-30T16:00:01+08:00'))).toBe(true);
  });

  it("caps the rectification: 5 working days from 8 Oct end on 14 Oct (the make-up Saturday counts), the province's 9 Oct 17:30 is sooner", () => {
    // The hall's own due date, for comparison: 9, 10 (make-up), 12, 13, 14 Oct.
    expect(iso(days.deadline(at('2026-10-08T10:00:00+08:00'), 5))).toBe('2026-10-14T15:59:59.999Z');
    const ticket = rectifying('2026-10-09T17:30:00+08:00');
    expect(iso(ticket.dueAt)).toBe('2026-10-09T09:30:00.000Z');
    expect(iso(ticket.rectification!.dueAt)).toBe('2026-10-09T09:30:00.000Z');
    expect(dueIsExternal(ticket)).toBe(true);
    // Overdue, and 按期整改 counted against the province's deadline, not the hall's.
    expect(isOverdue(ticket, at('2026-10-09T17:30:01+08:00'))).toBe(true);
    const late = step(ticket, E.rectified, '2026-10-12T09:00:00+08:00');
    expect(late.rectification!.onTime).toBe(false);
    expect(step(ticket, E.rectified, '2026-10-09T17:00:00+08:00').rectification!.onTime).toBe(true);
  });

  it("the hall cannot extend the province's deadline: refused, nothing changed", () => {
    const ticket = rectifying('2026-10-09T17:30:00+08:00');
    const result = transition(ticket, E.extend, env(at('2026-10-09T12:00:00+08:00')));
    expect(result).toMatchObject({ ok: false, code: 'invalid', allowed: ['extend', 'rectified'] });
  });

  it("a later province deadline leaves the hall's due date; extensions run on it until they reach the province's", () => {
    const ticket = rectifying('2026-10-20T12:00:00+08:00');
    expect(iso(ticket.dueAt)).toBe('2026-10-14T15:59:59.999Z');
    expect(dueIsExternal(ticket)).toBe(false);
    // 3 working days on from 14 Oct: 15, 16, 19 Oct.
    const once = step(ticket, E.extend, '2026-10-14T09:00:00+08:00');
    expect(iso(once.dueAt)).toBe('2026-10-19T15:59:59.999Z');
    // 3 more would end on 22 Oct: the province's 20 Oct noon comes first, and then no more.
    const twice = step(once, E.extend, '2026-10-19T09:00:00+08:00');
    expect(iso(twice.dueAt)).toBe('2026-10-20T04:00:00.000Z');
    expect(twice.rectification!.extensions.map((e) => iso(e.newDueAt))).toEqual(['2026-10-19T15:59:59.999Z', '2026-10-20T04:00:00.000Z']);
    expect(transition(twice, E.extend, env(at('2026-10-20T09:00:00+08:00'))).ok).toBe(false);
  });

  it('a ticket without a province deadline (a 差评 rated here, or stored before) keeps the hall rules', () => {
    const stored: Ticket = fresh();
    expect(cappedDue(stored, 123)).toBe(123);
    expect(cappedDue({ externalDueAt: null }, 123)).toBe(123);
    expect(dueIsExternal(stored)).toBe(false);
    expect('externalDueAt' in fresh()).toBe(false);
  });
});

describe('ticket machine: every stage is reachable', () => {
  it('covers each stage of the contract', () => {
    const stages = new Set<TicketStage>(ticketsByStage().map((s) => s.ticket.stage));
    expect([...stages].sort()).toEqual(['appealed', 'closed', 'contacted', 'determined', 'feedback_given', 'opened', 'rectified', 'rectifying']);
  });
});
