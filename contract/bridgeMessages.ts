import { z } from 'zod';
import { DeviceContextSchema } from './hallConfig';
import { InvitationSchema } from './invitation';

/** Messages from the host to the renderer, whatever the transport (WebSocket or Electron IPC). */
export const HostMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), context: DeviceContextSchema, hostTimeMs: z.number() }).strict(),
  z.object({ type: z.literal('invitation'), invitation: InvitationSchema }).strict(),
]);
export type HostMessage = z.infer<typeof HostMessageSchema>;

/** Messages from the renderer to the host. */
export const RendererMessageSchema = z.discriminatedUnion('type', [
  /** The invitation is durable in the renderer's database; the host may forget it. */
  z.object({ type: z.literal('ack'), invitationId: z.uuid() }).strict(),
]);
export type RendererMessage = z.infer<typeof RendererMessageSchema>;
