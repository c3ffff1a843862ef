import type { Outcome } from '../../contract/outcome';
import { canonicalJson } from '../../contract/canonicalJson';
import type { DispatchedTicket, TicketActor, TicketEvent, TicketEventType, TicketListQuery } from '../../contract/tickets';
import { mergedRating } from '../ingest/mergeRules';
import { ratingRecordAsStored, type RatingRecord } from '../ingest/ratingRecord';
import type { IntakeStore, TicketRow, TicketStore } from '../store/store';
import { appendAction, appendActions, verifyTicketLog } from './ticketLog';
import { allowedSteps, dueIsExternal, isOverdue, openTicket, transition, type Deadline, type NewTicket, type Ticket, type TicketEffect, type TicketMachineEvent, type TicketPolicy } from './ticketMachine';

/** The intake itself, as the actor of what it does on its own (opening, a withdrawn press, backfill). */
export const SYSTEM_ACTOR: TicketActor = { id: 'system', department: null };

/** The action log's actor for a dispatching system (a person's login cannot hold ":"). */
export const dispatcherActor = (dispatcher: string): TicketActor => ({ id: `dispatcher:${dispatcher}`, department: null });

/** A stored bill: the bill as dispatched, and the id of the system that dispatched it (null before dispatchers had ids). */
export function storedDispatch(json: string): { bill: DispatchedTicket; dispatcher: string | null } {
  const { dispatcher, ...bill } = JSON.parse(json) as DispatchedTicket & { dispatcher?: string };
  return { bill, dispatcher: dispatcher ?? null };
}

/**
 * Ticket state upstream (issue 23): what a transition that changes the stage, the finding (认定) or
 * the exclusion after appeal sends to the destinations that take ticket states, keyed by the
 * ticket and the seq of the transition in the action log; null for any other transition, and for a
 * ticket dispatched from above (it answers to the system that dispatched it, not through the queue).
 */
export function ticketStateUpstream(row: Pick<TicketRow, 'id' | 'outcomeId' | 'hallCode'>, before: Ticket, after: Ticket, seq: number, at: number) {
  if (row.outcomeId === null || row.hallCode === null) return null;
  const finding = (t: Ticket) => t.finding?.finding ?? null;
  if (before.stage === after.stage && finding(before) === finding(after) && before.excluded === after.excluded) return null;
  const body = canonicalJson({ ticketId: row.id, outcomeId: row.outcomeId, seq, at: new Date(at).toISOString(), stage: after.stage, finding: finding(after), excluded: after.excluded });
  return { ticketId: row.id, seq, hallCode: row.hallCode, body, at };
}

/** What a ticket says about the 差评 it stands for. */
export function newTicketOf(outcome: RatingRecord, openedAt: number): NewTicket & { hallCode: string; department: string } {
  // A window's phone rating rates the window's service, no staff member.
  const staff = outcome.staff ? [outcome.staff.loginName, ...(outcome.staff.staffNo ? [outcome.staff.staffNo] : [])] : [];
  return { openedAt, realName: outcome.callback.requested, ratedStaff: staff, department: outcome.case.deptName, hallCode: outcome.window.hallCode };
}

export type ActResult =
  | { status: 'done'; row: TicketRow; effects: TicketEffect[] }
  | { status: 'not_found' }
  | { status: 'stale'; version: number; allowed: TicketEventType[] }
  | { status: 'refused'; code: 'illegal_transition' | 'forbidden' | 'invalid'; message: string; allowed: TicketEventType[] };

/**
 * Where the ticket machine meets the store: every change runs the machine on the stored state,
 * writes the new state only over the version the caller saw, and appends the action to the
 * hash-chained log, in one transaction.
 */
export function createTicketWriter(deadline: Deadline, policy: TicketPolicy, now: () => number) {
  async function open(tx: TicketStore, init: { id: string; outcomeId: string | null; hallCode: string | null; ticket: Ticket; dispatch?: string }, at: number, actor: TicketActor = SYSTEM_ACTOR): Promise<boolean> {
    const { ticket } = init;
    const state = JSON.stringify(ticket);
    const row = {
      id: init.id,
      outcomeId: init.outcomeId,
      hallCode: init.hallCode,
      department: ticket.department,
      stage: ticket.stage,
      dueAt: ticket.dueAt,
      openedAt: ticket.openedAt,
      excluded: false,
      state,
      dispatch: init.dispatch ?? null,
    };
    if (!(await tx.insert(row))) return false;
    await appendAction(tx, { ticketId: init.id, at, actor: JSON.stringify(actor), what: JSON.stringify({ event: { type: 'open' }, effects: [] }), before: null, after: state });
    return true;
  }

  /** Runs one event on a stored ticket; with `expectedVersion`, only over that version. */
  async function apply(tx: TicketStore, row: TicketRow, event: TicketMachineEvent, actor: TicketActor, expectedVersion = row.version): Promise<ActResult> {
    const ticket = JSON.parse(row.state) as Ticket;
    if (expectedVersion !== row.version) return { status: 'stale', version: row.version, allowed: allowedSteps(ticket) };
    const at = now();
    const result = transition(ticket, event, { now: at, actor, deadline, policy });
    if (!result.ok) return { status: 'refused', code: result.code, message: result.message, allowed: result.allowed };
    const state = JSON.stringify(result.ticket);
    const change = { stage: result.ticket.stage, dueAt: result.ticket.dueAt, excluded: result.ticket.excluded, state };
    if (!(await tx.update(row.id, row.version, change))) return { status: 'stale', version: row.version, allowed: allowedSteps(ticket) };
    const logged = await appendAction(tx, { ticketId: row.id, at, actor: JSON.stringify(actor), what: JSON.stringify({ event, effects: result.effects }), before: row.state, after: state });
    const upstream = ticketStateUpstream(row, ticket, result.ticket, logged.seq, at);
    if (upstream) await tx.queueState(upstream);
    return { status: 'done', row: { ...row, ...change, version: row.version + 1 }, effects: result.effects };
  }

  /** A system event on the ticket of a 差评, if it has one still open; refusals (a closed ticket) are left alone. */
  async function onOutcome(tx: TicketStore, outcomeId: string, event: TicketMachineEvent): Promise<void> {
    const row = await tx.findByOutcome(outcomeId);
    if (row && row.stage !== 'closed') await apply(tx, row, event, SYSTEM_ACTOR);
  }

  return {
    apply,
    /**
     * Opens a ticket dispatched from above unless it is open already: the new row, or the stored
     * one. The dispatching system's id is kept with the bill and is the opening entry's actor.
     */
    async openDispatched(tx: TicketStore, dispatch: DispatchedTicket, dispatcher: string): Promise<{ created: boolean; row: TicketRow }> {
      const id = `${dispatch.source}-${dispatch.externalRef}`;
      const at = now();
      const externalDueAt = dispatch.deadline === undefined ? null : Date.parse(dispatch.deadline);
      const ticket = openTicket({ openedAt: at, realName: dispatch.realName, ratedStaff: dispatch.staff, department: dispatch.department, externalDueAt }, deadline, policy);
      const created = await open(tx, { id, outcomeId: null, hallCode: dispatch.hallCode, ticket, dispatch: canonicalJson({ ...dispatch, dispatcher }) }, at, dispatcherActor(dispatcher));
      return { created, row: (await tx.find(id))! };
    },
    /** Opens the ticket of a 差评 whose follow-up opened, in the ingest transaction; its id is the outcome's. */
    async openFor(tx: TicketStore, outcome: RatingRecord, receivedAt: number): Promise<boolean> {
      const { hallCode, ...input } = newTicketOf(outcome, receivedAt);
      return open(tx, { id: outcome.id, outcomeId: outcome.id, hallCode, ticket: openTicket(input, deadline, policy) }, receivedAt);
    },
    /**
     * openFor of the 差评 of one ingest batch: the tickets written together, then their opening
     * entries appended together (the log's turn is taken once, at the end); returns the ids opened.
     */
    async openForMany(tx: TicketStore, outcomes: RatingRecord[], receivedAt: number): Promise<string[]> {
      const rows = outcomes.map((outcome) => {
        const { hallCode, ...input } = newTicketOf(outcome, receivedAt);
        const ticket = openTicket(input, deadline, policy);
        const state = JSON.stringify(ticket);
        return { id: outcome.id, outcomeId: outcome.id, hallCode, department: ticket.department, stage: ticket.stage, dueAt: ticket.dueAt, openedAt: ticket.openedAt, excluded: false, state, dispatch: null };
      });
      const added = new Set(rows.length === 0 ? [] : await tx.insertMany(rows));
      const opening = { actor: JSON.stringify(SYSTEM_ACTOR), what: JSON.stringify({ event: { type: 'open' }, effects: [] }), before: null };
      await appendActions(
        tx,
        rows.filter((row) => added.has(row.id)).map((row) => ({ ...opening, ticketId: row.id, at: receivedAt, after: row.state })),
      );
      return [...added];
    },
    /** The citizen's details asked for a callback: the ticket is 实名 from now on. */
    onCallback: (tx: TicketStore, pressId: string) => onOutcome(tx, pressId, { type: 'callback_requested' }),
    /** The citizen withdrew the press: its ticket closes (kept, with its log). */
    onWithdrawn: (tx: TicketStore, pressId: string) => onOutcome(tx, pressId, { type: 'withdrawn' }),
  };
}

export type TicketWriter = ReturnType<typeof createTicketWriter>;

/** A ticket as the admin routes show it. */
export function ticketView(row: TicketRow, at: number) {
  const ticket = JSON.parse(row.state) as Ticket;
  return {
    id: row.id,
    outcomeId: row.outcomeId,
    hallCode: row.hallCode,
    department: row.department,
    stage: row.stage,
    version: row.version,
    openedAt: new Date(row.openedAt).toISOString(),
    dueAt: row.dueAt === null ? null : new Date(row.dueAt).toISOString(),
    overdue: isOverdue(ticket, at),
    /** The running deadline is the dispatching system's, earlier than the hall's working days. */
    dueIsExternal: dueIsExternal(ticket),
    excluded: row.excluded,
    allowed: allowedSteps(ticket),
    dispatch: row.dispatch === null ? null : storedDispatch(row.dispatch).bill,
    dispatcher: row.dispatch === null ? null : storedDispatch(row.dispatch).dispatcher,
    ticket,
  };
}

/** The tickets' service for the routes and the intake's start: act, read, list, backfill, verify. */
export function createTickets(store: IntakeStore, writer: TicketWriter, now: () => number) {
  return {
    /**
     * A person's event on a ticket over the version they saw; `mayNot`, when given, says why
     * this actor may not take the step on the stored ticket (403, nothing changed), in the same
     * transaction.
     */
    act(id: string, expectedVersion: number, actor: TicketActor, event: TicketEvent, mayNot?: (ticket: Ticket) => string | null): Promise<ActResult> {
      return store.transaction(async ({ tickets }) => {
        const row = await tickets.find(id);
        if (!row) return { status: 'not_found' };
        const ticket = JSON.parse(row.state) as Ticket;
        const refusal = mayNot?.(ticket) ?? null;
        if (refusal !== null) return { status: 'refused', code: 'forbidden', message: refusal, allowed: allowedSteps(ticket) };
        return writer.apply(tickets, row, event, actor, expectedVersion);
      });
    },

    /** A ticket with its timeline (every logged action, oldest first). */
    async get(id: string) {
      const row = await store.tickets.find(id);
      if (!row) return undefined;
      const actions = await store.tickets.actionsOf(id);
      const timeline = actions.map((a) => {
        const what = JSON.parse(a.what) as { event: { type: string }; effects: TicketEffect[] };
        const stageOf = (state: string | null) => (state === null ? null : (JSON.parse(state) as Ticket).stage);
        return { seq: a.seq, at: new Date(a.at).toISOString(), actor: JSON.parse(a.actor) as TicketActor, event: what.event, effects: what.effects, from: stageOf(a.before), to: stageOf(a.after) };
      });
      return { ...ticketView(row, now()), timeline };
    },

    /** A page of tickets, newest first, and the key of the last one. */
    async list(query: Omit<TicketListQuery, 'after' | 'limit'>, limit: number, after?: { openedAt: number; id: string }) {
      const at = now();
      const rows = await store.tickets.list(
        {
          ...(query.stage ? { stage: query.stage } : {}),
          ...(query.department ? { department: query.department } : {}),
          ...(query.dueBefore ? { dueBefore: Date.parse(query.dueBefore) } : {}),
          ...(query.overdue ? { overdue: { at, is: query.overdue === 'true' } } : {}),
        },
        limit,
        after,
      );
      const last = rows[rows.length - 1];
      return { tickets: rows.map((row) => ticketView(row, at)), last: last ? { openedAt: last.openedAt, id: last.id } : null };
    },

    /**
     * Opens tickets for the 差评 whose follow-ups were stored before tickets existed (a one-off
     * step at start, idempotent): opened when the follow-up opened, closed when it was closed.
     */
    async backfill(batch = 200): Promise<number> {
      let opened = 0;
      for (;;) {
        const done = await store.transaction(async (tx) => {
          const rows = await tx.tickets.followupsWithoutTicket(batch);
          for (const f of rows) {
            const outcome = mergedRating(JSON.parse(f.body) as Outcome, f.detailsBody === null ? undefined : (JSON.parse(f.detailsBody) as Outcome));
            await writer.openFor(tx.tickets, outcome, f.openedAt);
            if (f.closedAt !== null) {
              const row = (await tx.tickets.find(outcome.id))!;
              await writer.apply(tx.tickets, row, { type: 'legacy_closed', at: f.closedAt, note: f.note ?? '' }, SYSTEM_ACTOR);
            }
          }
          opened += rows.length;
          return rows.length < batch;
        });
        if (done) return opened;
      }
    },

    /**
     * A ticket dispatched from above by `dispatcher`: created, the same one again (same body from
     * the same system), or a conflict (another body, or another system, under the same source and
     * number; nothing changed).
     */
    async dispatched(dispatch: DispatchedTicket, dispatcher: string): Promise<{ status: 'created' | 'duplicate' | 'conflict'; id: string }> {
      const { created, row } = await store.transaction(({ tickets }) => writer.openDispatched(tickets, dispatch, dispatcher));
      if (created) return { status: 'created', id: row.id };
      const stored = storedDispatch(row.dispatch ?? '{}');
      const same = canonicalJson(stored.bill) === canonicalJson(dispatch) && (stored.dispatcher === null || stored.dispatcher === dispatcher);
      return { status: same ? 'duplicate' : 'conflict', id: row.id };
    },

    verifyLog: () => verifyTicketLog(store.tickets),

    /** The 差评 a ticket stands for, as the work queue shows it (never the citizen's phone). */
    async ratingOf(outcomeId: string) {
      const row = await store.followups.find(outcomeId);
      if (!row) return null;
      const outcome = ratingRecordAsStored(row.body, row.detailsBody);
      return {
        level: outcome.level ?? null,
        tags: outcome.tags,
        comment: outcome.comment ?? null,
        public: outcome.public,
        ratedAt: outcome.ratedAt,
        window: outcome.window,
        staff: outcome.staff ? { loginName: outcome.staff.loginName, name: outcome.staff.name } : null,
        case: { projectNo: outcome.case.projectNo, taskName: outcome.case.taskName, deptName: outcome.case.deptName },
        callbackRequested: outcome.callback.requested,
      };
    },
  };
}

export type Tickets = ReturnType<typeof createTickets>;
