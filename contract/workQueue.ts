import { z } from 'zod';
import { SessionEventSchema } from './people';
import { PersonRoleSchema, TicketEventSchema, TicketStageSchema } from './tickets';

/**
 * What the intake's work-queue routes (/v1/work, intake/routes/ticketsWork.ts) answer, as the
 * work-queue page (web/dashboard/WorkQueue.tsx) checks it before showing anything. Only the
 * fields the page reads are named; the intake may send more.
 */

const iso = z.string().refine((t) => !Number.isNaN(Date.parse(t)), 'expected an ISO date-time');
const stepType = z.enum(TicketEventSchema.options.map((o) => o.shape.type.value) as [string, ...string[]]);

export const WorkPersonSchema = z.looseObject({ login: z.string(), name: z.string(), role: PersonRoleSchema, department: z.string().optional() });
export type WorkPerson = z.infer<typeof WorkPersonSchema>;

export const WorkSessionSchema = z.looseObject({ person: WorkPersonSchema.nullable(), csrfToken: z.string().min(1) });
export type WorkSession = z.infer<typeof WorkSessionSchema>;

const actor = z.looseObject({ id: z.string(), department: z.string().nullable(), role: PersonRoleSchema.optional() });

/** The machine's ticket (intake/tickets/ticketMachine.ts), the parts the page shows. */
const TicketStateSchema = z.looseObject({
  realName: z.boolean(),
  finding: z.looseObject({ finding: z.string(), reason: z.string() }).nullable(),
  rectification: z.looseObject({ class: z.string(), note: z.string().nullable(), onTime: z.boolean().nullable() }).nullable(),
  appeal: z
    .looseObject({
      reasons: z.string(),
      evidence: z.array(z.string()),
      decision: z.looseObject({ upheld: z.boolean(), reasons: z.string(), reviewer: z.string() }).nullable(),
    })
    .nullable(),
  feedback: z.looseObject({ result: z.string(), satisfaction: z.string().nullable() }).nullable(),
  closed: z.looseObject({ reason: z.string() }).nullable(),
});

export const WorkTicketSchema = z.looseObject({
  id: z.string(),
  department: z.string().nullable(),
  stage: TicketStageSchema,
  version: z.number().int().min(1),
  openedAt: iso,
  dueAt: iso.nullable(),
  overdue: z.boolean(),
  /** The due date is the dispatching system's deadline (转办通报单), earlier than the hall's working days. */
  dueIsExternal: z.boolean().default(false),
  excluded: z.boolean(),
  allowed: z.array(stepType),
  /** The steps this person may take now. */
  mine: z.array(stepType),
  dispatch: z.looseObject({ source: z.string(), externalRef: z.string(), reasons: z.string(), deadline: iso.optional() }).nullable(),
  ticket: TicketStateSchema,
});
export type WorkTicket = z.infer<typeof WorkTicketSchema>;

export const WorkTicketListSchema = z.looseObject({ tickets: z.array(WorkTicketSchema), next: z.string().nullable() });

/** The 差评 a ticket stands for, never the citizen's phone. */
export const WorkRatingSchema = z.looseObject({
  level: z.number().int().min(1).max(5).nullable(),
  tags: z.array(z.string()),
  comment: z.string().nullable(),
  ratedAt: z.string(),
  window: z.looseObject({ windowName: z.string() }),
  /** null: a window's phone rating, which rates the window's service (issue 24). */
  staff: z.looseObject({ name: z.string() }).nullable(),
  case: z.looseObject({ projectNo: z.string().optional(), taskName: z.string().optional(), deptName: z.string() }),
  callbackRequested: z.boolean(),
});

export const WorkTicketPageSchema = WorkTicketSchema.extend({
  rating: WorkRatingSchema.nullable(),
  timeline: z.array(z.looseObject({ seq: z.number(), at: iso, actor, event: z.looseObject({ type: z.string() }), from: TicketStageSchema.nullable(), to: TicketStageSchema.nullable() })),
});
export type WorkTicketPage = z.infer<typeof WorkTicketPageSchema>;

export const EvidenceReceiptSchema = z.looseObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number(), type: z.string() });

export const LogVerdictSchema = z.union([
  z.looseObject({ ok: z.literal(true), checked: z.number() }),
  z.looseObject({ ok: z.literal(false), checked: z.number(), seq: z.number(), problem: z.string() }),
]);

/** GET /v1/work/log/sessions: a page of sign-in entries, newest first; `next` is the `before` of the page after it (older), null at the end. */
export const SessionLogPageSchema = z.looseObject({
  entries: z.array(z.looseObject({ seq: z.number().int().min(1), at: iso, actor, event: SessionEventSchema, address: z.string() })),
  next: z.number().int().min(1).nullable(),
});
export type SessionLogPage = z.infer<typeof SessionLogPageSchema>;
