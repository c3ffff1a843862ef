import { z } from 'zod';
import { OutcomeBatchSchema } from './intakeApi';

/**
 * Bodies and queries of the intake's admin routes (reference: intake/openapi.yaml). Admin routes
 * need the admin bearer token; every action that changes what counts is recorded.
 */

/**
 * POST /v1/admin/devices/{deviceId}/trust: a person has looked at a flagged device and clears
 * it. Its untrusted records (all, or the ones named) are readmitted through the merge rules and
 * count from then on; the device's flag is lifted. Who and why are recorded in the device's
 * integrity report (`trust_restored`).
 */
export const TrustRestoreRequestSchema = z
  .object({
    /** The person who checked (name or staff number). */
    by: z.string().trim().min(1).max(64),
    /** What they found. */
    reason: z.string().trim().min(4).max(500),
    /** Only these untrusted records; all of the device's when left out. */
    outcomeIds: z.array(z.uuid()).min(1).max(500).optional(),
  })
  .strict();
export type TrustRestoreRequest = z.infer<typeof TrustRestoreRequestSchema>;

export const TrustRestoreResponseSchema = z
  .object({
    deviceId: z.string(),
    /** Each readmitted record with the merge state it has now (rating, second, amendment, orphan …). */
    readmitted: z.array(z.object({ id: z.string(), merge: z.string() }).strict()),
    /** The device's records still untrusted. */
    stillUntrusted: z.number().int().nonnegative(),
  })
  .strict();

/** Query strings of the admin routes. Strict: an unknown or repeated parameter is a 400. */
const DeviceIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
/** A cursor an earlier page gave as `next`. */
export const CursorSchema = z.string().regex(/^[A-Za-z0-9_-]{1,400}$/, 'expected the next value of an earlier page');
/** The most items one page of an admin list holds. */
export const ADMIN_PAGE_MAX = 1000;
const limit = (fallback: number, max = ADMIN_PAGE_MAX) => z.coerce.number().int().min(1).max(max).default(fallback);

/** ?deviceId= of the admin routes that read one device. */
export const AdminDeviceQuerySchema = z.object({ deviceId: DeviceIdSchema }).strict();
/** A device's list, a page at a time: ?deviceId=&limit=&after=. */
export const AdminDeviceListQuerySchema = z.object({ deviceId: DeviceIdSchema, limit: limit(200), after: CursorSchema.optional() }).strict();
/** GET /v1/admin/enrolment-tokens?deviceId= | ?hall= (or neither: every device), newest first. */
export const TokenListQuerySchema = z
  .object({ deviceId: DeviceIdSchema.optional(), hall: z.string().min(1).max(64).optional(), limit: limit(500) })
  .strict()
  .refine((q) => !(q.deviceId && q.hall), { message: 'give deviceId or hall, not both' });
/** POST /v1/admin/enrolment-tokens/{id}/revoke: who and why, kept with the token. */
export const TokenRevokeRequestSchema = z
  .object({
    by: z.string().trim().min(1).max(64),
    reason: z.string().trim().min(4).max(500),
  })
  .strict();
/** GET /v1/admin/followups?status=open|all&limit=&after=. */
export const FollowupListQuerySchema = z.object({ status: z.enum(['open', 'all']).default('open'), limit: limit(200), after: CursorSchema.optional() }).strict();

const instant = z.string().max(40).refine((text) => !Number.isNaN(Date.parse(text)), 'expected an ISO date or date-time');
/** Records per export page. */
export const EXPORT_PAGE_MAX = 5_000;
/** GET /v1/export?profile=&from=&to=&after=&limit=. */
export const ExportQuerySchema = z
  .object({ profile: z.string().min(1).max(32), from: instant.optional(), to: instant.optional(), after: CursorSchema.optional(), limit: limit(EXPORT_PAGE_MAX, EXPORT_PAGE_MAX) })
  .strict();

/** GET /v1/devices/{deviceId}/invitations?ticket=: the feed opened with its single-use ticket. */
export const FeedQuerySchema = z.object({ ticket: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected a feed ticket') }).strict();

/**
 * POST /v1/admin/devices/{deviceId}/import: what a tablet reset offline exported (its unsent
 * ratings as signed, in the shape of a batch upload) taken in by a person, with who and why. Each
 * outcome is checked against the device's keys as an upload would be; recorded as
 * `outcomes_imported` in the device's integrity report.
 */
export const OutcomeImportRequestSchema = z
  .object({
    by: z.string().trim().min(1).max(64),
    reason: z.string().trim().min(4).max(500),
    batch: OutcomeBatchSchema,
  })
  .strict();
