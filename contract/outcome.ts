import { z } from 'zod';
import { CaseEventKindSchema, CaseInfoSchema, StaffSchema } from './caseEvent';
import { ChannelSchema } from './hallConfig';
import { KeyIdSchema } from './keyId';
import { COMMENT_MAX_CHARS, LEVELS } from './ratingCodes';

/** expired: an invitation still waiting long after its case event (downtime, a queue) ended unshown, never put to a later citizen. */
export const OutcomeKindSchema = z.enum(['rated', 'unrated', 'declined', 'expired']);
export type OutcomeKind = z.infer<typeof OutcomeKindSchema>;

export const InputMethodSchema = z.enum(['touch', 'keyboard', 'serial', 'hid', 'none']);
export type InputMethod = z.infer<typeof InputMethodSchema>;

export const LevelSchema = z.literal(LEVELS);

/** ISO 8601 with an explicit UTC offset, e.g. 2026-11-22T10:00:00.000+08:00. */
export const OffsetDateTimeSchema = z.iso.datetime({ offset: true, local: false });

/** A phone number as a citizen types it; it never leaves the rating screen unsealed. */
export const PhoneSchema = z.string().regex(/^\+?[0-9]{5,20}$/);

/**
 * How a citizen asked to be called back about a 差评. The phone number is sealed on the device
 * to the intake's public key (libsodium sealed box, base64url), so only the intake can read it.
 */
export const CallbackSchema = z
  .object({
    requested: z.boolean(),
    sealedPhone: z.string().regex(/^[A-Za-z0-9_-]{70,120}$/, 'expected a base64url sealed box').optional(),
  })
  .strict();

/**
 * Anomalies the device saw when the outcome was made. They travel with the outcome and are
 * never a reason to drop it: the intake and the people behind it judge.
 */
export const AnomalyFlagSchema = z.enum([
  /** More presses arrived for this invitation after the one that counted (reported late, see intakeApi). */
  'press-burst',
  /** The level was pressed sooner after the rating screen showed than a person reads it. */
  'fast-press',
  /** No staff member was paired with the device when the invitation ended. */
  'unpaired',
  /** Part of a run of ratings right after a staff login. */
  'burst-after-login',
  /** Part of a run of ratings just before the end of the shift. */
  'burst-at-shift-end',
  /** This device already recorded an outcome for the same case and event. */
  'same-case-again',
  /** Rated without a case invitation, where the hall allows free rating. */
  'free-rating',
  /** The case event names a staff member other than the one signed in at the window. */
  'staff-mismatch',
]);
export type AnomalyFlag = z.infer<typeof AnomalyFlagSchema>;

/** Hex SHA-256. */
export const HashSchema = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * What a citizen did after a level press, as a record of its own that refers to the press: the
 * press is written the moment it happens, so a power cut on the details or confirm screen can
 * never erase it. `details`: the reasons, comment, public choice and callback request (in this
 * record's own fields); `confirm`: the elderly-mode 确认; `withdrawal`: 撤销 or 返回 — the press
 * no longer counts (it is kept, and audits see it), and the invitation may be rated again.
 */
export const AmendmentKindSchema = z.enum(['details', 'confirm', 'withdrawal']);
export type AmendmentKind = z.infer<typeof AmendmentKindSchema>;
export const AmendsSchema = z.object({ outcomeId: z.uuid({ version: 'v7' }), kind: AmendmentKindSchema }).strict();

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
    /**
     * Who was signed in at the window when the outcome was written, since when and how; absent
     * when nobody was. `staff` above is whom the case event credits: the two can differ.
     */
    signedIn: z
      .object({ staff: StaffSchema, since: OffsetDateTimeSchema, via: z.enum(['pairing-code', 'login-event']) })
      .strict()
      .optional(),
    window: z.object({ hallCode: z.string(), windowNo: z.string(), windowName: z.string() }).strict(),
    questionSetVersion: z.string(),
    flags: z.array(AnomalyFlagSchema),
    /**
     * Present on a record that amends an earlier `rated` press of the same invitation (its id):
     * such a record repeats the press's level and is not a rating of its own.
     */
    amends: AmendsSchema.optional(),
    /**
     * The id of the device key that signed it (contract/keyId.ts). Inside the hashed content, so
     * it cannot be changed without breaking the hash; absent on outcomes of devices from before
     * key ids, which the intake checks against the device's current key only.
     */
    keyId: KeyIdSchema.optional(),
    /** Hash of this device's outcome seq - 1 (GENESIS_HASH for seq 1): the chain that shows a deletion. */
    prevHash: HashSchema,
    /** SHA-256 over the canonical JSON of every other field (contract/outcomeChain.ts). */
    hash: HashSchema,
    /** Ed25519 by the device key over the hash, base64url. */
    signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'expected a base64url Ed25519 signature'),
  })
  .strict()
  .superRefine((o, ctx) => {
    if ((o.outcome === 'rated') !== (o.level !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['level'], message: 'a level is present exactly when the outcome is rated' });
    }
    if (o.outcome !== 'rated' && (o.tags.length > 0 || o.comment !== undefined || o.callback.requested)) {
      ctx.addIssue({ code: 'custom', path: ['outcome'], message: 'an unrated or declined outcome carries no details' });
    }
    if (o.amends && o.outcome !== 'rated') {
      ctx.addIssue({ code: 'custom', path: ['amends'], message: 'only a rated press is amended' });
    }
    if (o.amends && o.amends.kind !== 'details' && (o.tags.length > 0 || o.comment !== undefined || o.callback.requested)) {
      ctx.addIssue({ code: 'custom', path: ['amends'], message: 'a confirm or withdrawal carries no details' });
    }
    if (o.amends?.outcomeId === o.id) {
      ctx.addIssue({ code: 'custom', path: ['amends'], message: 'a record cannot amend itself' });
    }
  });
export type Outcome = z.infer<typeof OutcomeSchema>;
