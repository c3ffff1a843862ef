import type { EnrolRequest } from '../../contract/intakeApi';
import type { IntakeStore } from '../store/store';
import { hashToken, publicKeyFromRaw } from './deviceAuth';

export type EnrolResult =
  | { ok: true; enrolledAt: number }
  | { ok: false; status: 400 | 401 | 409; code: string; message: string };

export interface EnrolmentToken {
  /** The token itself, or (from `npm run provision`) only its SHA-256 in hex. */
  token?: string;
  tokenSha256?: string;
  /** When set, only this device may use the token. */
  deviceId?: string;
  expiresAtMs: number;
}

/**
 * Single-use enrolment: a provisioning token binds a device id to the public key it presents.
 * Enrolling an already-enrolled device with a fresh valid token rotates its key.
 */
export function createEnrolment(store: IntakeStore, now: () => number = Date.now) {
  return {
    enrol: (request: EnrolRequest): Promise<EnrolResult> =>
      store.transaction(async ({ devices }) => {
        const hash = hashToken(request.enrolmentToken);
        const token = await devices.findToken(hash);
        if (!token) return { ok: false, status: 401, code: 'unknown_token', message: 'the enrolment token is not known' };
        if (token.usedAt !== null) {
          // The same device presenting the same key again lost our answer (a reload or power cut
          // mid-enrolment): it is enrolled, and saying so keeps it from being stuck until re-provisioned.
          const device = token.usedBy === request.deviceId ? await devices.currentKey(request.deviceId) : undefined;
          if (device && device.publicKey === request.publicKey && device.enrolledAt === token.usedAt) return { ok: true, enrolledAt: device.enrolledAt };
          return { ok: false, status: 409, code: 'token_used', message: 'the enrolment token was already used' };
        }
        if (token.expiresAt < now()) return { ok: false, status: 401, code: 'token_expired', message: 'the enrolment token has expired' };
        if (token.deviceId !== null && token.deviceId !== request.deviceId) {
          return { ok: false, status: 401, code: 'token_for_other_device', message: 'the enrolment token was issued for another device' };
        }
        try {
          publicKeyFromRaw(request.publicKey);
        } catch {
          return { ok: false, status: 400, code: 'bad_public_key', message: 'the public key is not a valid Ed25519 key' };
        }
        const at = now();
        await devices.useToken(hash, at, request.deviceId);
        await devices.setKey(request.deviceId, request.publicKey, at);
        return { ok: true, enrolledAt: at };
      }),
    addTokens: (tokens: EnrolmentToken[]): Promise<void> =>
      store.transaction(async ({ devices }) => {
        for (const t of tokens) {
          const hash = t.tokenSha256 ?? (t.token !== undefined ? hashToken(t.token) : undefined);
          if (hash === undefined) throw new Error('an enrolment token needs the token or its SHA-256');
          await devices.addToken(hash, t.deviceId ?? null, t.expiresAtMs);
        }
      }),
  };
}
