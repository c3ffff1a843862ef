import { z } from 'zod';
import { CaseEventKindSchema, CaseInfoSchema, StaffSchema } from './caseEvent';
import { KeyIdSchema } from './keyId';
import { CallbackSchema, LevelSchema, OffsetDateTimeSchema } from './outcome';
import { COMMENT_MAX_CHARS } from './ratingCodes';

/**
 * Ratings a citizen makes on their own phone (issue 24, docs/phone-rating.md): through a
 * case-bound link (the QR on the PAD's thanks screen, or a text message) or a window's printed QR.
 */

export const PhoneWindowSchema = z
  .object({ hallCode: z.string().min(1).max(64), windowNo: z.string().min(1).max(16), windowName: z.string().min(1).max(50) })
  .strict();
export type PhoneWindow = z.infer<typeof PhoneWindowSchema>;

/** How a case-bound link reaches the citizen: the QR on the device's screen (pf 3) or a text message (pf 2, mobile). */
export const LinkDeliverySchema = z.enum(['screen-qr', 'sms']);
export type LinkDelivery = z.infer<typeof LinkDeliverySchema>;

/**
 * POST /v1/devices/{deviceId}/case-links (signed by the device): the device's invitation for a
 * case ended unrated or declined (or was closed, where the hall offers 一事一评 on every 办结),
 * and it asks for a link the citizen can rate that case stage with.
 */
export const CaseLinkRequestSchema = z
  .object({
    invitationId: z.uuid({ version: 'v7' }),
    event: CaseEventKindSchema,
    case: CaseInfoSchema,
    staff: StaffSchema,
    window: PhoneWindowSchema,
    delivery: LinkDeliverySchema.default('screen-qr'),
    /** For delivery `sms`: where the hall's sender sends the link (never stored with the rating). */
    phone: z.string().regex(/^\+?[0-9]{5,20}$/).optional(),
  })
  .strict()
  .refine((r) => (r.delivery === 'sms') === (r.phone !== undefined), { path: ['phone'], message: 'a phone number is given exactly for delivery sms' });
export type CaseLinkRequest = z.input<typeof CaseLinkRequestSchema>;

export const CaseLinkResponseSchema = z
  .object({
    /** The phone page for this case stage; single use. */
    url: z.url(),
    /** The end of the last working day the link is valid (ISO with offset). */
    expiresAt: OffsetDateTimeSchema,
    serverTimeMs: z.number().int().nonnegative(),
  })
  .strict();
export type CaseLinkResponse = z.infer<typeof CaseLinkResponseSchema>;

/** Why a phone rating is flagged; flagged ratings are stored and shown, never dropped. */
export const PhoneRatingFlagSchema = z.enum([
  /** Rates the window's service, not a case (a window's printed QR). */
  'window-service',
  /** More window ratings from this address in the last hour than the hall allows. */
  'address-over-limit',
  /** More window ratings of this window in the last hour than the hall allows. */
  'window-over-limit',
  /** This browser already rated this window today. */
  'browser-repeat',
]);
export type PhoneRatingFlag = z.infer<typeof PhoneRatingFlagSchema>;

/**
 * A rating made on a citizen's phone, as the intake stores it: signed by the intake's own key
 * (it never enters a device's chain). `supersedes` names a device's `unrated`/`declined` ending
 * of the same case stage that this rating replaces in the counts; both records are kept.
 */
export const PhoneRatingSchema = z
  .object({
    id: z.uuid({ version: 'v7' }),
    kind: z.enum(['case', 'window']),
    channel: z.enum(['mobile', 'qr-code']),
    /** The case-bound link it was made with (kind `case`). */
    linkId: z.string().regex(/^[A-Za-z0-9_-]{22}$/).optional(),
    event: CaseEventKindSchema.optional(),
    case: CaseInfoSchema.optional(),
    staff: StaffSchema.optional(),
    window: PhoneWindowSchema,
    deptName: z.string().min(1).max(100).optional(),
    level: LevelSchema,
    tags: z.array(z.string().regex(/^\d{3}$/)).max(16),
    comment: z.string().max(COMMENT_MAX_CHARS).optional(),
    public: z.boolean(),
    callback: CallbackSchema,
    ratedAt: OffsetDateTimeSchema,
    flags: z.array(PhoneRatingFlagSchema),
    supersedes: z.uuid().optional(),
    /** The intake signing key's id (contract/keyId.ts) and its Ed25519 signature over the canonical JSON of every other field, base64url. */
    keyId: KeyIdSchema,
    signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/),
  })
  .strict()
  .refine((r) => (r.kind === 'case') === (r.linkId !== undefined && r.case !== undefined && r.event !== undefined && r.staff !== undefined), {
    path: ['kind'],
    message: 'a case rating carries its link, case, event and staff; a window rating none of them',
  });
export type PhoneRating = z.infer<typeof PhoneRatingSchema>;

/** The phone page's form (application/x-www-form-urlencoded): what a citizen can send, nothing more. */
export const PhoneRatingFormSchema = z
  .object({
    /** The capability: the case-bound link's token, or the window form's one-time token. */
    token: z.string().min(1).max(200),
    level: z.enum(['1', '2', '3', '4', '5']).transform(Number).pipe(LevelSchema),
    tags: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((t) => (t === undefined ? [] : Array.isArray(t) ? t : [t]))
      .pipe(z.array(z.string().regex(/^\d{3}$/)).max(16)),
    comment: z.string().max(COMMENT_MAX_CHARS * 2).optional(),
    public: z.literal('on').optional(),
    callback: z.literal('on').optional(),
    phone: z.string().max(40).optional(),
    lang: z.string().max(8).optional(),
    /** The case number the page was shown for (a case-bound link's form). */
    case: z.string().max(50).optional(),
  })
  .strict();
export type PhoneRatingForm = z.infer<typeof PhoneRatingFormSchema>;

/**
 * GET /v1/dashboard/channels?hall=&from=&to= (a manager's dashboard credential): the period's
 * counted ratings by channel. `device`: endings in force from the hall's devices (PAD, terminal;
 * unrated ones included, superseded ones not); `phone`: phone ratings per channel and kind,
 * counted or kept flagged (over a window QR limit).
 */
const PhoneChannelCountSchema = z.object({ channel: z.enum(['mobile', 'qr-code']), kind: z.enum(['case', 'window']), counted: z.number().int().nonnegative(), flagged: z.number().int().nonnegative() }).strict();

export const ChannelCountsSchema = z
  .object({
    hall: z.string(),
    from: z.string(),
    to: z.string(),
    device: z.number().int().nonnegative(),
    phone: z.array(PhoneChannelCountSchema),
  })
  .strict();
export type ChannelCounts = z.infer<typeof ChannelCountsSchema>;

/**
 * The channel counts the public display shows (GET /v1/public/halls/{hall}/display `channels`):
 * the counted ratings only, from the hall's devices and per phone channel; what was kept flagged
 * past a window QR limit is a matter for the hall's managers, not the public screen.
 */
export const PublicChannelCountsSchema = z
  .object({
    device: z.number().int().nonnegative(),
    phone: z.array(PhoneChannelCountSchema.omit({ flagged: true })),
  })
  .strict();
export type PublicChannelCounts = z.infer<typeof PublicChannelCountsSchema>;
