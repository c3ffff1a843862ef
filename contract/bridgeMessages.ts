import { z } from 'zod';
import { DeviceContextSchema } from './hallConfig';
import { InvitationSchema } from './invitation';
import { LEVELS } from './ratingCodes';
import { StaffSessionSchema } from './staffSession';

/** A physical rating device's health, as the admin panel shows it. */
export const DeviceStatusSchema = z
  .object({
    connected: z.boolean(),
    online: z.boolean(),
    path: z.string().nullable(),
    info: z.object({ model: z.string(), firmware: z.string(), serial: z.string() }).nullable(),
    counters: z.record(z.string(), z.number()),
    lastError: z.string().nullable(),
  })
  .strict();
export type DeviceStatusMessage = z.infer<typeof DeviceStatusSchema>;

export const ScreenNameSchema = z.enum(['idle', 'rating', 'details', 'confirm', 'saving', 'saveFailed', 'thanks']);

/** Messages from the host to the renderer, whatever the transport (WebSocket or Electron IPC). */
export const HostMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), context: DeviceContextSchema, hostTimeMs: z.number() }).strict(),
  z.object({ type: z.literal('invitation'), invitation: InvitationSchema }).strict(),
  /** A press on a physical device, sent only while a rating screen is up. */
  z.object({ type: z.literal('devicePress'), level: z.literal(LEVELS), method: z.enum(['serial', 'hid']), durationMs: z.number() }).strict(),
  z.object({ type: z.literal('deviceStatus'), status: DeviceStatusSchema }).strict(),
  /**
   * The window business system's latest staff login (session) or logout (null) at this window, as
   * of atMs. Repeated to each renderer that connects; a renderer keeps a newer pairing of its own.
   */
  z.object({ type: z.literal('staffSession'), session: StaffSessionSchema.nullable(), atMs: z.number() }).strict(),
  /** The answer to a PIN entry: ok, or how long until the next attempt is allowed. */
  z
    .object({ type: z.literal('adminUnlock'), ok: z.boolean(), reason: z.enum(['wrong', 'locked', 'notConfigured']).optional(), retryAfterMs: z.number() })
    .strict(),
]);
export type HostMessage = z.infer<typeof HostMessageSchema>;

/** Messages from the renderer to the host. */
export const RendererMessageSchema = z.discriminatedUnion('type', [
  /** The invitation is durable in the renderer's database; the host may forget it. */
  z.object({ type: z.literal('ack'), invitationId: z.uuid() }).strict(),
  /** Which screen is showing: the host gates device presses and drives the device's lights. */
  z.object({ type: z.literal('screen'), name: ScreenNameSchema }).strict(),
  z.object({ type: z.literal('adminUnlock'), pin: z.string().regex(/^\d{4,12}$/) }).strict(),
  /** Only honoured within a few minutes of a correct PIN on the same connection. */
  z.object({ type: z.literal('adminAction'), action: z.enum(['exitKiosk', 'deviceSelfTest']) }).strict(),
]);
export type RendererMessage = z.infer<typeof RendererMessageSchema>;
