import { z } from 'zod';
import { StaffSchema } from './caseEvent';

/**
 * Staff pairing: who is serving at the window. A staff member pairs by confirming the device's
 * short pairing code at the intake, or the window business system posts a login event to the host.
 */

/** A photo small enough to travel inline: the renderer's CSP allows images from data: URLs only. */
export const StaffPhotoSchema = z
  .string()
  .max(200_000, 'keep the photo under 150 kB')
  .regex(/^data:image\/(png|jpeg|webp);base64,[A-Za-z0-9+/=]+$/, 'expected a data:image/png|jpeg|webp;base64 URL');

/** What the idle screen's staff card shows: name, 工号 (staffNo), photo. */
export const StaffCardSchema = StaffSchema.extend({ photo: StaffPhotoSchema.optional() }).strict();
export type StaffCard = z.infer<typeof StaffCardSchema>;

export const StaffSessionSchema = z
  .object({
    staff: StaffCardSchema,
    /** When the pairing was confirmed, on the device's clock (epoch ms). */
    pairedAtMs: z.number(),
    via: z.enum(['pairing-code', 'login-event']),
  })
  .strict();
export type StaffSession = z.infer<typeof StaffSessionSchema>;

/** Why a staff session ended (written to the device's audit log). */
export const StaffLogoutReasonSchema = z.enum(['requested', 'end-of-day', 'new-login', 'login-event']);
export type StaffLogoutReason = z.infer<typeof StaffLogoutReasonSchema>;

/** POST /api/staff-session on the host: the window business system's login or logout. */
export const StaffLoginEventSchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('login'), staff: StaffCardSchema }).strict(),
  z.object({ event: z.literal('logout') }).strict(),
]);
export type StaffLoginEvent = z.infer<typeof StaffLoginEventSchema>;

/** Six digits: short enough to read off the screen and type. */
export const PairingCodeSchema = z.string().regex(/^\d{6}$/, 'expected the 6-digit pairing code');

/** The intake's answer when a device asks for a pairing code. */
export const PairingCodeResponseSchema = z
  .object({ code: PairingCodeSchema, expiresAtMs: z.number(), confirmUrl: z.url(), serverTimeMs: z.number() })
  .strict();
export type PairingCodeResponse = z.infer<typeof PairingCodeResponseSchema>;

/** Whether a staff member has confirmed the code yet. */
export const PairingStatusResponseSchema = z
  .object({
    status: z.enum(['waiting', 'confirmed', 'expired', 'replaced']),
    staff: StaffCardSchema.optional(),
    pairedAtMs: z.number().optional(),
    serverTimeMs: z.number(),
  })
  .strict();
export type PairingStatusResponse = z.infer<typeof PairingStatusResponseSchema>;

/** POST /v1/pairings: a staff member confirms a device's code with their login. */
export const PairingConfirmRequestSchema = z
  .object({ code: PairingCodeSchema, loginName: z.string().trim().min(1).max(64), password: z.string().min(1).max(128) })
  .strict();
export type PairingConfirmRequest = z.infer<typeof PairingConfirmRequestSchema>;

/** The intake's staff directory (reference server): who may pair, with a scrypt password hash. */
export const StaffDirectorySchema = z.array(
  StaffCardSchema.extend({ passwordHash: z.string().regex(/^scrypt\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, 'expected the output of npm run pin-hash') }).strict(),
);
export type StaffDirectory = z.infer<typeof StaffDirectorySchema>;
