import { z } from 'zod';

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
