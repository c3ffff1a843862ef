import { z } from 'zod';

/**
 * A device's heartbeat (device → intake, a signed POST /v1/devices/{deviceId}/heartbeats, issue
 * 20): what the intake needs to see a device that went silent, a queue that stopped draining, a
 * chain whose newest outcomes were deleted before they were sent, an old version, a button box
 * that is offline. Sent every policies.heartbeatIntervalSec; one that cannot be sent is dropped
 * (only the latest matters), never queued.
 */
const count = z.number().int().nonnegative();
const epochMs = z.number().int().nonnegative();

export const HeartbeatSchema = z
  .object({
    deviceId: z.string().min(1).max(64),
    hallCode: z.string().min(1).max(64),
    /** The device's wall clock when it was sent. */
    sentAtMs: epochMs,
    /** Intake clock minus device clock as the device last measured it; null before it has. */
    clockOffsetMs: z.number().int().nullable(),
    /** The page's build (package version and build id). */
    appVersion: z.string().min(1).max(64),
    /** The newest outcome the device has chained (seq 0 with the genesis hash when none yet). */
    chainHead: z.object({ seq: count, hash: z.string().regex(/^[0-9a-f]{64}$/) }).strict(),
    outbox: z
      .object({
        /** Outcomes recorded and not yet acknowledged by the intake. */
        depth: count,
        /** Age of the oldest of them; null when the outbox is empty. */
        oldestUnsentAgeMs: count.nullable(),
        /** Outcomes the intake refused for good, kept on the device for a person to look at. */
        deadLetters: count,
      })
      .strict(),
    /** The browser's storage estimate for this origin; null where it gives none. */
    storage: z.object({ usageBytes: count, quotaBytes: count }).strict().nullable(),
    /** The attached rating device (serial or HID button box); null for a touch-only PAD. */
    ratingDevice: z
      .object({
        online: z.boolean(),
        lastPressAtMs: epochMs.nullable(),
        /** The box's own heartbeats the host expected and did not get since the last report. */
        missedHeartbeats: count,
      })
      .strict()
      .nullable(),
  })
  .strict();
export type Heartbeat = z.infer<typeof HeartbeatSchema>;

/** The intake's answer: its clock, so the device keeps its offset fresh. */
export const HeartbeatResponseSchema = z.object({ serverTimeMs: epochMs }).strict();
export type HeartbeatResponse = z.infer<typeof HeartbeatResponseSchema>;

/** Conditions the intake raises from heartbeats and the outcomes it holds; open until cleared or resolved. */
export const FleetFlagKindSchema = z.enum(['head-regressed', 'head-unsent', 'missing-outcome', 'device-silent', 'queue-stale', 'version-below-minimum', 'rating-device-offline']);
export type FleetFlagKind = z.infer<typeof FleetFlagKindSchema>;

/** One device in the fleet view (GET /v1/admin/fleet): its latest heartbeat's facts and open flags. */
export const FleetDeviceSchema = z
  .object({
    deviceId: z.string(),
    hallCode: z.string().nullable(),
    /** When the intake last received a heartbeat (null: never). */
    lastHeartbeatAt: epochMs.nullable(),
    /** Since the last heartbeat, or since enrolment for a device never heard. */
    silentForMs: z.number().int(),
    appVersion: z.string().nullable(),
    chainHeadSeq: count.nullable(),
    outboxDepth: count.nullable(),
    oldestUnsentAgeMs: count.nullable(),
    deadLetters: count.nullable(),
    storage: z.object({ usageBytes: count, quotaBytes: count }).strict().nullable(),
    clockOffsetMs: z.number().int().nullable(),
    ratingDevice: z.object({ online: z.boolean(), lastPressAtMs: epochMs.nullable(), missedHeartbeats: count }).strict().nullable(),
    openFlags: z.array(z.object({ kind: FleetFlagKindSchema, openedAt: epochMs, detail: z.string() }).strict()),
  })
  .strict();
export type FleetDevice = z.infer<typeof FleetDeviceSchema>;

export const FleetResponseSchema = z.object({ devices: z.array(FleetDeviceSchema) }).strict();
export type FleetResponse = z.infer<typeof FleetResponseSchema>;

/** GET /v1/admin/fleet?hall=…: one hall, or every hall when absent. */
export const FleetQuerySchema = z.object({ hall: z.string().min(1).max(64).optional() }).strict();

/** A person closes a fleet flag after looking at it (POST /v1/admin/fleet/{deviceId}/flags/{kind}/close). */
export const FleetFlagCloseRequestSchema = z
  .object({
    /** Who looked (name or staff number). */
    by: z.string().trim().min(1).max(64),
    /** What they found and did. */
    reason: z.string().trim().min(4).max(500),
  })
  .strict();
export type FleetFlagCloseRequest = z.infer<typeof FleetFlagCloseRequestSchema>;
