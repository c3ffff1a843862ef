import { z } from 'zod';
import { CaseEventSchema } from './caseEvent';
import { AnomalyFlagSchema, OutcomeSchema } from './outcome';

/**
 * The device ↔ intake contract (reference: intake/openapi.yaml). Devices enrol once with a
 * single-use token and their Ed25519 public key; every later request is signed by that key.
 */

/** Largest batch a device sends, in items and in bytes of JSON body. */
export const BATCH_MAX_ITEMS = 500;
export const BATCH_MAX_BYTES = 1024 * 1024;

export const EnrolRequestSchema = z
  .object({
    enrolmentToken: z.string().min(16).max(256),
    deviceId: z.string().regex(/^[A-Za-z0-9_-]{3,64}$/),
    /** Raw 32-byte Ed25519 public key, base64url. */
    publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected a base64url Ed25519 public key'),
  })
  .strict();
export type EnrolRequest = z.infer<typeof EnrolRequestSchema>;

export const EnrolResponseSchema = z
  .object({
    deviceId: z.string(),
    enrolledAt: z.string(),
    serverTimeMs: z.number(),
    /** The intake's X25519 key for sealing callback phone numbers, base64url. */
    sealingPublicKey: z.string().optional(),
  })
  .strict();

export const SealingKeyResponseSchema = z.object({ sealingPublicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/) }).strict();

/** Headers that authenticate a device request and what they sign: contract/requestSignature.ts. */
export { DEVICE_ID_HEADER, NONCE_HEADER, SIGNATURE_HEADER, SIGNATURE_MAX_SKEW_MS, TIMESTAMP_HEADER } from './requestSignature';

/**
 * A flag the device learnt after the outcome was signed (more presses during the thanks screen).
 * Flags only ever add suspicion, so they need no place in the hash chain.
 */
export const LateFlagSchema = z
  .object({
    outcomeId: z.uuid(),
    flag: AnomalyFlagSchema.extract(['press-burst']),
    count: z.number().int().positive(),
  })
  .strict();
export type LateFlag = z.infer<typeof LateFlagSchema>;

export const OutcomeBatchSchema = z
  .object({
    deviceId: z.string(),
    /** Items are validated one by one on the intake, so a bad item never sinks the batch. */
    outcomes: z.array(z.unknown()).max(BATCH_MAX_ITEMS),
    lateFlags: z.array(LateFlagSchema).max(BATCH_MAX_ITEMS).optional(),
  })
  .strict()
  .refine((b) => b.outcomes.length > 0 || (b.lateFlags?.length ?? 0) > 0, { message: 'a batch carries outcomes or late flags' });
export type OutcomeBatch = z.infer<typeof OutcomeBatchSchema>;

export const ItemResultSchema = z.discriminatedUnion('status', [
  z.object({ id: z.string(), status: z.literal('accepted') }).strict(),
  /** The same id with the same body was already stored: a resend, and a success. */
  z.object({ id: z.string(), status: z.literal('duplicate') }).strict(),
  /** Never retried: the device moves it to its dead-letter list with the reason. */
  z.object({ id: z.string(), status: z.literal('rejected'), code: z.string(), reason: z.string() }).strict(),
]);
export type ItemResult = z.infer<typeof ItemResultSchema>;

export const LateFlagResultSchema = z
  .object({ outcomeId: z.string(), status: z.enum(['attached', 'unknown_outcome']) })
  .strict();
export type LateFlagResult = z.infer<typeof LateFlagResultSchema>;

export const BatchResponseSchema = z
  .object({
    serverTimeMs: z.number(),
    results: z.array(ItemResultSchema),
    lateFlagResults: z.array(LateFlagResultSchema).optional(),
  })
  .strict();
export type BatchResponse = z.infer<typeof BatchResponseSchema>;

/**
 * A case event posted to the intake for a host-less device (POST /v1/devices/{deviceId}/case-events):
 * the host's case event, which may also name the device's hall; one naming another hall than the
 * device's is refused (`wrong_hall`).
 */
export const IntakeCaseEventSchema = CaseEventSchema.safeExtend({ hallCode: z.string().min(1).max(64).optional() });
export type IntakeCaseEvent = z.infer<typeof IntakeCaseEventSchema>;

export const ServerTimeResponseSchema = z.object({ serverTimeMs: z.number() }).strict();

/** Error body of every refused request (a stale signed request also carries `serverTimeMs`). */
export const ErrorResponseSchema = z
  .object({
    error: z
      .object({ code: z.string(), message: z.string(), issues: z.array(z.object({ path: z.string(), message: z.string() })).optional() })
      .strict(),
    serverTimeMs: z.number().optional(),
  })
  .strict();

/**
 * POST /v1/devices/{deviceId}/feed-tickets (signed): a single-use ticket that opens the device's
 * invitation feed once, shortly. EventSource cannot send headers, so the feed is opened with
 * `?ticket=` instead of a signature; a ticket is worth nothing once used or expired.
 */
export const FeedTicketResponseSchema = z
  .object({ ticket: z.string().regex(/^[A-Za-z0-9_-]{43}$/), expiresAtMs: z.number(), serverTimeMs: z.number() })
  .strict();
export type FeedTicketResponse = z.infer<typeof FeedTicketResponseSchema>;
/** How long a feed ticket can be used. */
export const FEED_TICKET_TTL_MS = 30_000;

export { OutcomeSchema };
