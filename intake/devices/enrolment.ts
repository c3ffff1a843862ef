import type { EnrolRequest } from '../../contract/intakeApi';
import type { IntegrityEventKind } from '../integrity/integrityEvents';
import type { EnrolmentPurpose, IntakeData, IntakeStore } from '../store/store';
import { hashToken, publicKeyFromRaw } from './deviceAuth';

export type EnrolResult =
  | { ok: true; enrolledAt: number }
  | { ok: false; status: 400 | 401 | 409; code: string; message: string };

export interface EnrolmentToken {
  /** The token itself, or (from `npm run provision`) only its SHA-256 in hex. */
  token?: string;
  tokenSha256?: string;
  /** The one device that may use the token. */
  deviceId: string;
  /** The hall the device belongs to; its outcomes must name it. */
  hallCode: string;
  /** A first enrolment (default), or the key rotation of an enrolled device. */
  purpose?: EnrolmentPurpose;
  expiresAtMs: number;
}

/**
 * Single-use enrolment. A provisioning token is bound to one device id and one hall: it enrols
 * that device (its key, and its hall at the intake) and nothing else. An enrolled device is
 * never enrolled again by an enrolment token — that was a takeover: the holder of any token
 * replaced the device's key — only by a token issued for the rotation of that device, and each
 * rotation, and each refused attempt on an enrolled device, is an integrity event.
 */
export function createEnrolment(store: IntakeStore, now: () => number = Date.now) {
  const record = (tx: IntakeData, deviceId: string, kind: IntegrityEventKind, detail: string) => tx.integrity.addEvent(deviceId, kind, null, null, detail, now());

  return {
    enrol: (request: EnrolRequest): Promise<EnrolResult> =>
      store.transaction(async (tx) => {
        const { devices } = tx;
        const hash = hashToken(request.enrolmentToken);
        const token = await devices.findToken(hash);
        if (!token) return { ok: false, status: 401, code: 'unknown_token', message: 'the enrolment token is not known' };
        if (token.deviceId === null || token.hallCode === null) {
          return { ok: false, status: 401, code: 'token_unbound', message: 'the enrolment token is bound to no device and hall: provision the device again' };
        }
        if (token.deviceId !== request.deviceId) {
          // Someone holds this device's token and names another device with it.
          await record(tx, token.deviceId, 'enrolment_refused', `its ${token.purpose} token was presented for device ${request.deviceId}`);
          return { ok: false, status: 401, code: 'token_for_other_device', message: 'the enrolment token was issued for another device' };
        }
        const device = await devices.currentKey(request.deviceId);
        if (token.usedAt !== null) {
          // The same device presenting the same key again lost our answer (a reload or power cut
          // mid-enrolment): it is enrolled, and saying so keeps it from being stuck until re-provisioned.
          if (token.usedBy === request.deviceId && device && device.publicKey === request.publicKey && device.enrolledAt === token.usedAt) return { ok: true, enrolledAt: device.enrolledAt };
          if (device) await record(tx, request.deviceId, 'enrolment_refused', `its used ${token.purpose} token was presented again with another key`);
          return { ok: false, status: 409, code: 'token_used', message: 'the enrolment token was already used' };
        }
        if (token.revokedAt != null) {
          await record(tx, request.deviceId, 'enrolment_refused', `a revoked ${token.purpose} token was presented (${token.revokedBy ?? 'revoked'})`);
          return { ok: false, status: 401, code: 'token_revoked', message: 'the enrolment token was revoked: use the newest bundle provisioned for this device' };
        }
        if (token.expiresAt < now()) return { ok: false, status: 401, code: 'token_expired', message: 'the enrolment token has expired' };
        try {
          publicKeyFromRaw(request.publicKey);
        } catch {
          return { ok: false, status: 400, code: 'bad_public_key', message: 'the public key is not a valid Ed25519 key' };
        }
        if (token.purpose === 'enrol' && device) {
          await record(tx, request.deviceId, 'enrolment_refused', 'an enrolment token was presented for the enrolled device; its key stays');
          return { ok: false, status: 409, code: 'already_enrolled', message: 'the device is enrolled: replacing its key needs a rotation token (npm run provision -- --rotate)' };
        }
        if (token.purpose === 'rotate' && !device) {
          return { ok: false, status: 409, code: 'not_enrolled', message: 'a rotation token replaces the key of an enrolled device, and this device is not enrolled' };
        }
        if (device?.hallCode != null && device.hallCode !== token.hallCode) {
          await record(tx, request.deviceId, 'wrong_hall', `a rotation token of hall ${token.hallCode} was presented; the device is in hall ${device.hallCode}`);
          return { ok: false, status: 409, code: 'wrong_hall', message: 'the token was issued for another hall than the device\'s' };
        }
        const at = now();
        await devices.useToken(hash, at, request.deviceId);
        await devices.setKey(request.deviceId, request.publicKey, at, token.hallCode);
        // A never-used token of an earlier provisioning run must not enrol a key later.
        await devices.revokeOlderTokens(request.deviceId, hash, at, 'superseded: a newer token of this device was used');
        if (device) await record(tx, request.deviceId, 'key_rotated', `key ${device.publicKey.slice(0, 8)}… retired, ${request.publicKey.slice(0, 8)}… enrolled with a rotation token of hall ${token.hallCode}`);
        return { ok: true, enrolledAt: at };
      }),
    /** Stores provisioned tokens; a token not bound to one device and one hall stops the intake. */
    addTokens: (tokens: EnrolmentToken[]): Promise<void> => {
      for (const t of tokens) {
        if (!t.deviceId || !t.hallCode) throw new Error('an enrolment token must be bound to a device and a hall (TOKEN:DEVICE:HALL, or npm run provision)');
      }
      return store.transaction(async ({ devices }) => {
        for (const t of tokens) {
          const hash = t.tokenSha256 ?? (t.token !== undefined ? hashToken(t.token) : undefined);
          if (hash === undefined) throw new Error('an enrolment token needs the token or its SHA-256');
          await devices.addToken(hash, { deviceId: t.deviceId, hallCode: t.hallCode, purpose: t.purpose ?? 'enrol' }, t.expiresAtMs);
          // A device enrolled before devices had halls belongs to the hall its provisioning names.
          await devices.adoptHall(t.deviceId, t.hallCode);
        }
      });
    },
  };
}
