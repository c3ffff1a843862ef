import { z } from 'zod';
import { OffsetDateTimeSchema } from './outcome';

/**
 * The 差评 ticket (差评工单, issue 23): what a person may do to a ticket, as the intake's
 * `POST /v1/admin/tickets/{id}/actions` takes it (reference: intake/openapi.yaml), and the words
 * of its stages. The rules are in intake/tickets/ticketMachine.ts.
 */

/** opened → contacted → determined → (appealed) → rectifying → rectified → feedback_given → closed. */
export const TicketStageSchema = z.enum(['opened', 'contacted', 'determined', 'appealed', 'rectifying', 'rectified', 'feedback_given', 'closed']);
export type TicketStage = z.infer<typeof TicketStageSchema>;

/** 认定: 属实 / 不属实 / 误评 (the citizen's mistaken operation) / 恶意评价 (deliberate, the staff acted lawfully). */
export const FindingSchema = z.enum(['true', 'untrue', 'mistaken', 'malicious']);
export type Finding = z.infer<typeof FindingSchema>;

/** 立整立改 (simple) / 限时整改 (general) / 综合协调 (complex); working days per class are the hall's. */
export const RectifyClassSchema = z.enum(['immediate', 'limited', 'coordinated']);
export type RectifyClass = z.infer<typeof RectifyClassSchema>;

/** The citizen's satisfaction with the fix, asked at the revisit (回访). */
export const SatisfactionSchema = z.enum(['satisfied', 'basically_satisfied', 'dissatisfied']);
export type Satisfaction = z.infer<typeof SatisfactionSchema>;

const text = (min: number, max: number) => z.string().trim().min(min).max(max);
/** The SHA-256 of an evidence file (image or PDF), lowercase hex. */
export const EvidenceHashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex SHA-256');

/** Longest extension one request may ask for, in working days. */
export const EXTENSION_MAX_WORKING_DAYS = 30;

/** What a person does to a ticket; `type` names the step. */
export const TicketEventSchema = z.discriminatedUnion('type', [
  /** The department reached (or tried to reach) the citizen to confirm the cause. */
  z.object({ type: z.literal('contact'), reached: z.boolean(), note: text(2, 500) }).strict(),
  /** 认定, with the reasons (asking the staff, reviewing records). */
  z.object({ type: z.literal('determine'), finding: FindingSchema, reason: text(2, 1000) }).strict(),
  /** A 属实 差评 goes into rectification of a class. */
  z.object({ type: z.literal('rectify'), class: RectifyClassSchema }).strict(),
  /** Cannot be rectified in time: a written reason and more working days, reported to the centre. */
  z.object({ type: z.literal('extend'), reason: text(4, 1000), workingDays: z.number().int().min(1).max(EXTENSION_MAX_WORKING_DAYS) }).strict(),
  /** The rectification is done: what was done. */
  z.object({ type: z.literal('rectified'), note: text(2, 1000) }).strict(),
  /** 反馈 / 回访: the citizen is told; whether they were reached, what was said, their satisfaction with the fix. */
  z.object({ type: z.literal('feedback'), reached: z.boolean(), result: text(2, 1000), satisfaction: SatisfactionSchema.optional() }).strict(),
  /** 办结, with a reason (required text). */
  z.object({ type: z.literal('close'), reason: text(2, 1000) }).strict(),
  /** 申诉 by the department of a 误评 / 恶意评价 determination, to the centre. */
  z.object({ type: z.literal('appeal'), reasons: text(4, 2000), evidence: z.array(EvidenceHashSchema).max(20) }).strict(),
  /** The centre's reviewer decides the appeal: upheld (excluded from the statistics) or rejected. */
  z.object({ type: z.literal('decide_appeal'), upheld: z.boolean(), reasons: text(4, 2000) }).strict(),
]);
export type TicketEvent = z.infer<typeof TicketEventSchema>;
export type TicketEventType = TicketEvent['type'];
export const TICKET_EVENT_TYPES = TicketEventSchema.options.map((o) => o.shape.type.value);

/**
 * The people who work tickets at the intake (contract/people.ts): 大厅管理员 manager, 部门经办人
 * handler, 中心审核人 reviewer, 审计员 auditor (read-only).
 */
export const PersonRoleSchema = z.enum(['manager', 'handler', 'reviewer', 'auditor']);
export type PersonRole = z.infer<typeof PersonRoleSchema>;

/**
 * Who acts: an id (login name or staff number), their department (null: the centre or the hall),
 * and, for a signed-in person, their role (a machine behind the admin token names none).
 */
export const TicketActorSchema = z.object({ id: text(1, 64), department: text(1, 100).nullable(), role: PersonRoleSchema.optional() }).strict();
export type TicketActor = z.infer<typeof TicketActorSchema>;

/**
 * POST /v1/admin/tickets/{id}/actions: the event, who acts, and the ticket version the caller
 * saw (a stale version is refused, nothing changed). Until sign-in exists the actor is named
 * in the body behind the admin token.
 */
export const TicketActionRequestSchema = z.object({ version: z.number().int().min(1), actor: TicketActorSchema, event: TicketEventSchema }).strict();
export type TicketActionRequest = z.infer<typeof TicketActionRequestSchema>;

/** GET /v1/admin/tickets?stage=&department=&overdue=&dueBefore=&limit=&after=. */
export const TicketListQuerySchema = z
  .object({
    stage: TicketStageSchema.optional(),
    department: text(1, 100).optional(),
    /** Only tickets past their running deadline now (true), or only those not (false). */
    overdue: z.enum(['true', 'false']).optional(),
    /** Only tickets whose running deadline ends before this instant. */
    dueBefore: z
      .string()
      .max(40)
      .refine((t) => !Number.isNaN(Date.parse(t)), 'expected an ISO date-time')
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    after: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,400}$/, 'expected the next value of an earlier page')
      .optional(),
  })
  .strict();
export type TicketListQuery = z.infer<typeof TicketListQuerySchema>;

/**
 * POST /v1/admin/tickets/dispatched: a 差评 ticket dispatched from above (转办通报单: the province's
 * or city's 好差评 system, the 12345 hotline), opened like a ticket of a 差评 rated here. The
 * (source, externalRef) pair identifies it: the same body again is the same ticket.
 */
export const DispatchedTicketSchema = z
  .object({
    source: z.enum(['12345', 'province', 'city']),
    /** The dispatching system's own ticket number. */
    externalRef: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1–64 letters, digits, "-" or "_"'),
    hallCode: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
    department: text(1, 100),
    /** 2 不满意, 1 非常不满意. */
    level: z.literal([1, 2]),
    reasons: text(1, 2000),
    case: z.object({ projectNo: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/).optional(), taskName: text(1, 200).optional() }).strict().optional(),
    /** Ids of the rated staff member, when the dispatch names one. */
    staff: z.array(text(1, 64)).max(5).default([]),
    /** The citizen asked for a callback (实名差评). */
    realName: z.boolean(),
    /** The dispatching system's own deadline for the ticket, if it sets one: a date-time with its offset (it caps the due date, so no guessing a time zone). */
    deadline: OffsetDateTimeSchema.optional(),
  })
  .strict();
export type DispatchedTicket = z.infer<typeof DispatchedTicketSchema>;

/**
 * A system allowed to dispatch tickets down (the province's 好差评 system, 12345, the city), as the
 * intake config lists it: its own bearer token (or the token's SHA-256, hex), never the admin
 * token, and the halls it may dispatch to. Its id is recorded with each ticket it opens.
 */
export const DispatcherSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'expected 1–32 lowercase letters, digits, "-" or "_"'),
    name: text(1, 100),
    /** The bearer token itself, at least 32 characters. */
    token: z.string().min(32, 'at least 32 characters').optional(),
    /** Or the SHA-256 (lowercase hex) of the bearer token. */
    tokenHash: z.string().regex(/^[0-9a-f]{64}$/, 'expected the lowercase hex SHA-256 of the token').optional(),
    /** The hall codes its bills may name; a bill for another hall is refused (403). */
    halls: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,32}$/)).min(1).max(500),
  })
  .strict()
  .refine((d) => (d.token === undefined) !== (d.tokenHash === undefined), { message: 'give exactly one of token and tokenHash', path: ['token'] });
export type Dispatcher = z.infer<typeof DispatcherSchema>;

export const DispatchersSchema = z
  .array(DispatcherSchema)
  .max(100)
  .refine((list) => new Set(list.map((d) => d.id)).size === list.length, 'every dispatcher id appears once');
