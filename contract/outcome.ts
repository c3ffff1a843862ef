import { z } from 'zod';
import { CaseEventKindSchema, CaseInfoSchema, StaffSchema } from './caseEvent';
import { ChannelSchema } from './hallConfig';
import { COMMENT_MAX_CHARS, LEVELS } from './ratingCodes';

export const OutcomeKindSchema = z.enum(['rated', 'unrated', 'declined']);
export type OutcomeKind = z.infer<typeof OutcomeKindSchema>;

export const InputMethodSchema = z.enum(['touch', 'keyboard', 'serial', 'hid', 'none']);
export type InputMethod = z.infer<typeof InputMethodSchema>;

export const LevelSchema = z.literal(LEVELS);

/** ISO 8601 with an explicit UTC offset, e.g. 2026-11-22T10:00:00.000+08:00. */
export const OffsetDateTimeSchema = z.iso.datetime({ offset: true, local: false });

/** How a citizen asked to be called back about a 差评. */
export const CallbackSchema = z
  .object({
    requested: z.boolean(),
    phone: z.string().regex(/^\+?[0-9]{5,20}$/).optional(),
  })
  .strict();

/**
 * One ended invitation, as written to the device outbox and sent to intake. The id is the
 * idempotency key; seq is per device and gapless.
 */
export const OutcomeSchema = z
  .object({
    id: z.uuid({ version: 'v7' }),
    deviceId: z.string(),
    seq: z.number().int().positive(),
    invitationId: z.uuid(),
    outcome: OutcomeKindSchema,
    level: LevelSchema.optional(),
    tags: z.array(z.string().regex(/^\d{3}$/)),
    comment: z.string().max(COMMENT_MAX_CHARS).optional(),
    public: z.boolean(),
    callback: CallbackSchema,
    channel: ChannelSchema,
    ratedAt: OffsetDateTimeSchema,
    /** performance.timeOrigin + performance.now() at the end: monotonic within one page life. */
    monotonicMs: z.number(),
    /** Intake clock minus device clock, when known. */
    clockOffsetMs: z.number().nullable(),
    input: z
      .object({
        method: InputMethodSchema,
        /** From the rating screen being shown to the level press; null when nobody pressed. */
        inviteToPressMs: z.number().nonnegative().nullable(),
      })
      .strict(),
    event: CaseEventKindSchema,
    case: CaseInfoSchema,
    staff: StaffSchema,
    window: z.object({ hallCode: z.string(), windowNo: z.string(), windowName: z.string() }).strict(),
    questionSetVersion: z.string(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if ((o.outcome === 'rated') !== (o.level !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['level'], message: 'a level is present exactly when the outcome is rated' });
    }
    if (o.outcome !== 'rated' && (o.tags.length > 0 || o.comment !== undefined || o.callback.requested)) {
      ctx.addIssue({ code: 'custom', path: ['outcome'], message: 'an unrated or declined outcome carries no details' });
    }
  });
export type Outcome = z.infer<typeof OutcomeSchema>;
