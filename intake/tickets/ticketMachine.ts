import type { Finding, RectifyClass, Satisfaction, TicketActor, TicketEvent, TicketEventType, TicketStage } from '../../contract/tickets';

/**
 * The 差评 ticket (差评工单) as a pure state machine, like the rating flow (src/flow/machine.ts):
 * (ticket, event) → (ticket, effects), or a refusal that names the steps allowed now. No I/O:
 * time, the person acting, the working-day calendar and the hall's policy come in `env`.
 *
 * opened → contacted → determined → rectifying → rectified → feedback_given → closed, with
 * 不属实 closing from determined (with a reason), 误评 / 恶意评价 appealed to the centre
 * (appealed → closed and excluded from the statistics when upheld; back to determined as 属实
 * when rejected), and extensions of a rectification (a written reason, a new deadline, reported
 * to the centre). Overdue is computed from the running deadline, never stored.
 */

/** Working days per rectification class, and for the first contact; the hall may set its own. */
export interface TicketPolicy {
  contactDays: number;
  classDays: Record<RectifyClass, number>;
}

/** 1 working day to contact; 立整立改 1, 限时整改 5, 综合协调 15 (a county rule uses 10 for the general class). */
export const DEFAULT_TICKET_POLICY: TicketPolicy = { contactDays: 1, classDays: { immediate: 1, limited: 5, coordinated: 15 } };

/** The end of the n-th working day after the day of `startMs` (intake/followups/workingDays.ts). */
export type Deadline = (startMs: number, n: number) => number;

export interface TicketEnv {
  now: number;
  actor: TicketActor;
  deadline: Deadline;
  policy: TicketPolicy;
}

export interface Extension {
  reason: string;
  workingDays: number;
  fromDueAt: number;
  newDueAt: number;
  at: number;
  by: string;
}

export interface Ticket {
  stage: TicketStage;
  openedAt: number;
  /** 实名差评: the citizen asked for a callback, so the feedback (回访) is required. */
  realName: boolean;
  /** Ids of the rated staff member (login name, staff number): never the appeal's reviewer. */
  ratedStaff: string[];
  /** The department the 差评 concerns. */
  department: string | null;
  /** The running deadline: the first contact while opened, the rectification while rectifying; null otherwise. */
  dueAt: number | null;
  /**
   * The dispatching system's own deadline (a 转办通报单's 办理时限, epoch ms), for a ticket
   * dispatched from above that sets one: the 差评 must be rectified by then, so it caps every
   * running deadline when it is earlier (absent in tickets stored before it was used).
   */
  externalDueAt?: number | null;
  contact: { at: number; by: string; reached: boolean; note: string; late: boolean } | null;
  finding: { finding: Finding; reason: string; at: number; by: string } | null;
  rectification: { class: RectifyClass; startedAt: number; dueAt: number; extensions: Extension[]; doneAt: number | null; note: string | null; onTime: boolean | null } | null;
  appeal: {
    finding: Finding;
    department: string | null;
    reasons: string;
    evidence: string[];
    filedAt: number;
    by: string;
    decision: { upheld: boolean; reasons: string; reviewer: string; reviewerDepartment: string | null; at: number } | null;
  } | null;
  feedback: { at: number; by: string; reached: boolean; result: string; satisfaction: Satisfaction | null } | null;
  closed: { at: number; by: string; reason: string } | null;
  /** Excluded from good-rate statistics after an upheld appeal; the rating itself stays. */
  excluded: boolean;
}

/** Events only the intake itself raises (never taken from a request). */
export type SystemEvent =
  /** The citizen's details arrived after the press, asking for a callback: the 差评 is 实名. */
  | { type: 'callback_requested' }
  /** The citizen withdrew the press: the ticket closes, kept. */
  | { type: 'withdrawn' }
  /** Backfill: the follow-up the ticket stands for was closed before tickets existed. */
  | { type: 'legacy_closed'; at: number; note: string };

export type TicketMachineEvent = TicketEvent | SystemEvent;

export type TicketEffect =
  /** The hall's centre is told: an extension, an appeal to decide, a 差评 excluded after appeal. */
  | { type: 'report_to_centre'; kind: 'extension' | 'appeal_filed' | 'excluded_after_appeal' }
  /** The 差评 leaves good-rate statistics (counted as excluded after appeal, never deleted). */
  | { type: 'exclude_from_statistics' };

export type TicketRefusal = { ok: false; code: 'illegal_transition' | 'forbidden' | 'invalid'; message: string; allowed: TicketEventType[] };
export type TicketTransition = { ok: true; ticket: Ticket; effects: TicketEffect[] } | TicketRefusal;

export interface NewTicket {
  openedAt: number;
  realName: boolean;
  ratedStaff: string[];
  department: string | null;
  /** A dispatched ticket's deadline set by the dispatching system, if any. */
  externalDueAt?: number | null;
}

/**
 * A running deadline from the hall's working days, capped by the dispatching system's deadline
 * when that is earlier: the hall's rules give the department up to so many working days, but a
 * bill from above that must be answered sooner is due sooner, and the hall cannot move it.
 */
export function cappedDue(ticket: Pick<Ticket, 'externalDueAt'>, hallDue: number): number {
  const external = ticket.externalDueAt ?? null;
  return external !== null && external < hallDue ? external : hallDue;
}

/** Whether the running deadline is the dispatching system's (it was earlier than the hall's). */
export function dueIsExternal(ticket: Pick<Ticket, 'dueAt' | 'externalDueAt'>): boolean {
  return ticket.dueAt !== null && (ticket.externalDueAt ?? null) === ticket.dueAt;
}

/** A new ticket: opened, the first contact due within the hall's contact days (or by the dispatching system's deadline, if earlier). */
export function openTicket(input: NewTicket, deadline: Deadline, policy: TicketPolicy): Ticket {
  const externalDueAt = input.externalDueAt ?? null;
  return {
    stage: 'opened',
    openedAt: input.openedAt,
    realName: input.realName,
    ratedStaff: input.ratedStaff,
    department: input.department,
    ...(externalDueAt !== null ? { externalDueAt } : {}),
    dueAt: cappedDue({ externalDueAt }, deadline(input.openedAt, policy.contactDays)),
    contact: null,
    finding: null,
    rectification: null,
    appeal: null,
    feedback: null,
    closed: null,
    excluded: false,
  };
}

/** The steps a person may take now. */
export function allowedSteps(ticket: Ticket): TicketEventType[] {
  switch (ticket.stage) {
    case 'opened':
      return ['contact'];
    case 'contacted':
      return ['determine'];
    case 'determined': {
      // A determined ticket always carries its finding.
      const finding = ticket.finding!.finding;
      if (finding === 'true') return ['rectify'];
      if (finding === 'untrue') return ['close'];
      // 误评 / 恶意评价: appeal to the centre, or close with the 差评 counted.
      return ['appeal', 'close'];
    }
    case 'appealed':
      return ['decide_appeal'];
    case 'rectifying':
      return ['extend', 'rectified'];
    case 'rectified':
      // 实名差评 are called back, every one: no closing before the feedback.
      return ticket.realName ? ['feedback'] : ['feedback', 'close'];
    case 'feedback_given':
      return ['close'];
    case 'closed':
      return [];
  }
}

/** Past its running deadline at `now` (the first contact, or the rectification). */
export function isOverdue(ticket: Ticket, now: number): boolean {
  return ticket.dueAt !== null && (ticket.stage === 'opened' || ticket.stage === 'rectifying') && now > ticket.dueAt;
}

const refuse = (ticket: Ticket, code: TicketRefusal['code'], message: string): TicketRefusal => ({ ok: false, code, message, allowed: allowedSteps(ticket) });
const done = (ticket: Ticket, effects: TicketEffect[] = []): TicketTransition => ({ ok: true, ticket, effects });

function systemTransition(ticket: Ticket, event: SystemEvent, env: TicketEnv): TicketTransition {
  if (ticket.stage === 'closed') return refuse(ticket, 'illegal_transition', `${event.type} on a closed ticket`);
  if (event.type === 'callback_requested') return done({ ...ticket, realName: true });
  if (event.type === 'withdrawn') return done({ ...ticket, stage: 'closed', dueAt: null, closed: { at: env.now, by: env.actor.id, reason: 'withdrawn by the citizen' } });
  if (ticket.stage !== 'opened') return refuse(ticket, 'illegal_transition', 'only an untouched ticket takes the close of its earlier follow-up');
  return done({ ...ticket, stage: 'closed', dueAt: null, closed: { at: event.at, by: env.actor.id, reason: `follow-up closed before tickets: ${event.note}` } });
}

/** Why this actor may not decide this appeal, if they may not. */
export function reviewerConflict(ticket: Ticket, actor: TicketActor): string | null {
  if (ticket.ratedStaff.includes(actor.id)) return 'the rated staff member may not review an appeal about their own rating';
  const departments = [ticket.appeal?.department, ticket.department];
  if (actor.department !== null && departments.includes(actor.department)) return 'a reviewer from the appealing department may not decide its appeal';
  return null;
}

export function transition(ticket: Ticket, event: TicketMachineEvent, env: TicketEnv): TicketTransition {
  if (event.type === 'callback_requested' || event.type === 'withdrawn' || event.type === 'legacy_closed') return systemTransition(ticket, event, env);
  if (!allowedSteps(ticket).includes(event.type)) return refuse(ticket, 'illegal_transition', `${event.type} is not allowed while the ticket is ${ticket.stage}`);
  const { now, actor } = env;
  switch (event.type) {
    case 'contact':
      return done({ ...ticket, stage: 'contacted', dueAt: null, contact: { at: now, by: actor.id, reached: event.reached, note: event.note, late: isOverdue(ticket, now) } });
    case 'determine':
      return done({ ...ticket, stage: 'determined', finding: { finding: event.finding, reason: event.reason, at: now, by: actor.id } });
    case 'rectify': {
      const dueAt = cappedDue(ticket, env.deadline(now, env.policy.classDays[event.class]));
      return done({ ...ticket, stage: 'rectifying', dueAt, rectification: { class: event.class, startedAt: now, dueAt, extensions: [], doneAt: null, note: null, onTime: null } });
    }
    case 'extend': {
      const rectification = ticket.rectification!;
      const fromDueAt = rectification.dueAt;
      // The hall extends its own deadline, never the dispatching system's.
      if (dueIsExternal(ticket)) return refuse(ticket, 'invalid', "the deadline is the dispatching system's (转办通报单): only that system can extend it");
      const newDueAt = cappedDue(ticket, env.deadline(fromDueAt, event.workingDays));
      const extension: Extension = { reason: event.reason, workingDays: event.workingDays, fromDueAt, newDueAt, at: now, by: actor.id };
      return done({ ...ticket, dueAt: newDueAt, rectification: { ...rectification, dueAt: newDueAt, extensions: [...rectification.extensions, extension] } }, [
        { type: 'report_to_centre', kind: 'extension' },
      ]);
    }
    case 'rectified': {
      const rectification = ticket.rectification!;
      return done({ ...ticket, stage: 'rectified', dueAt: null, rectification: { ...rectification, doneAt: now, note: event.note, onTime: now <= rectification.dueAt } });
    }
    case 'feedback': {
      if (event.reached && event.satisfaction === undefined) return refuse(ticket, 'invalid', 'a citizen reached at the revisit gives their satisfaction with the fix');
      if (ticket.realName && !event.reached) return refuse(ticket, 'invalid', 'a 实名差评 needs the citizen reached: record the feedback once the callback succeeds');
      return done({ ...ticket, stage: 'feedback_given', feedback: { at: now, by: actor.id, reached: event.reached, result: event.result, satisfaction: event.satisfaction ?? null } });
    }
    case 'close':
      return done({ ...ticket, stage: 'closed', dueAt: null, closed: { at: now, by: actor.id, reason: event.reason } });
    case 'appeal': {
      const finding = ticket.finding!.finding;
      const appeal = { finding, department: actor.department ?? ticket.department, reasons: event.reasons, evidence: event.evidence, filedAt: now, by: actor.id, decision: null };
      return done({ ...ticket, stage: 'appealed', appeal }, [{ type: 'report_to_centre', kind: 'appeal_filed' }]);
    }
    case 'decide_appeal': {
      const conflict = reviewerConflict(ticket, actor);
      if (conflict) return refuse(ticket, 'forbidden', conflict);
      const appeal = { ...ticket.appeal!, decision: { upheld: event.upheld, reasons: event.reasons, reviewer: actor.id, reviewerDepartment: actor.department, at: now } };
      if (event.upheld) {
        return done({ ...ticket, stage: 'closed', appeal, excluded: true, closed: { at: now, by: actor.id, reason: event.reasons } }, [
          { type: 'exclude_from_statistics' },
          { type: 'report_to_centre', kind: 'excluded_after_appeal' },
        ]);
      }
      // Not confirmed as 误评 / 恶意: the 差评 is adopted as 属实 and goes to rectification.
      return done({ ...ticket, stage: 'determined', appeal, finding: { finding: 'true', reason: `appeal rejected: ${event.reasons}`, at: now, by: actor.id } });
    }
  }
}
