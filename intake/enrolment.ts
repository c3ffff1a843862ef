import type { EnrolRequest } from '../contract/intakeApi';
import type { IntakeDb } from './database';
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
export function createEnrolment(db: IntakeDb, now: () => number = Date.now) {
  const findToken = db.prepare<[string], { device_id: string | null; expires_at: number; used_at: number | null; used_by: string | null }>(
    'SELECT device_id, expires_at, used_at, used_by FROM enrolment_tokens WHERE token_hash = ?',
  );
  const enrolledKey = db.prepare<[string], { public_key: string; enrolled_at: number }>('SELECT public_key, enrolled_at FROM devices WHERE device_id = ?');
  const useToken = db.prepare('UPDATE enrolment_tokens SET used_at = ?, used_by = ? WHERE token_hash = ? AND used_at IS NULL');
  const upsertDevice = db.prepare(
    `INSERT INTO devices (device_id, public_key, enrolled_at) VALUES (?, ?, ?)
     ON CONFLICT (device_id) DO UPDATE SET public_key = excluded.public_key, enrolled_at = excluded.enrolled_at`,
  );
  const retireKeys = db.prepare('UPDATE device_keys SET retired_at = ? WHERE device_id = ? AND retired_at IS NULL');
  const addKey = db.prepare('INSERT INTO device_keys (device_id, public_key, enrolled_at) VALUES (?, ?, ?)');
  const addToken = db.prepare('INSERT OR IGNORE INTO enrolment_tokens (token_hash, device_id, expires_at) VALUES (?, ?, ?)');

  const enrol = db.transaction((request: EnrolRequest): EnrolResult => {
    const hash = hashToken(request.enrolmentToken);
    const token = findToken.get(hash);
    if (!token) return { ok: false, status: 401, code: 'unknown_token', message: 'the enrolment token is not known' };
    if (token.used_at !== null) {
      // The same device presenting the same key again lost our answer (a reload or power cut
      // mid-enrolment): it is enrolled, and saying so keeps it from being stuck until re-provisioned.
      const device = token.used_by === request.deviceId ? enrolledKey.get(request.deviceId) : undefined;
      if (device && device.public_key === request.publicKey && device.enrolled_at === token.used_at) return { ok: true, enrolledAt: device.enrolled_at };
      return { ok: false, status: 409, code: 'token_used', message: 'the enrolment token was already used' };
    }
    if (token.expires_at < now()) return { ok: false, status: 401, code: 'token_expired', message: 'the enrolment token has expired' };
    if (token.device_id !== null && token.device_id !== request.deviceId) {
      return { ok: false, status: 401, code: 'token_for_other_device', message: 'the enrolment token was issued for another device' };
    }
    try {
      publicKeyFromRaw(request.publicKey);
    } catch {
      return { ok: false, status: 400, code: 'bad_public_key', message: 'the public key is not a valid Ed25519 key' };
    }
    const at = now();
    useToken.run(at, request.deviceId, hash);
    upsertDevice.run(request.deviceId, request.publicKey, at);
    retireKeys.run(at, request.deviceId);
    addKey.run(request.deviceId, request.publicKey, at);
    return { ok: true, enrolledAt: at };
  });

  return {
    enrol: (request: EnrolRequest) => enrol(request),
    addTokens(tokens: EnrolmentToken[]) {
      db.transaction(() =>
        tokens.forEach((t) => {
          const hash = t.tokenSha256 ?? (t.token !== undefined ? hashToken(t.token) : undefined);
          if (hash === undefined) throw new Error('an enrolment token needs the token or its SHA-256');
          addToken.run(hash, t.deviceId ?? null, t.expiresAtMs);
        }),
      )();
    },
  };
}
