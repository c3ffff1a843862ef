import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { SIGNATURE_MAX_SKEW_MS } from '../../contract/intakeApi';
import type { DeviceStore } from '../store/store';

/** A signed request's device, its key and its hall (null: not known yet, see DeviceStore.currentKey). */
export type AuthResult = { ok: true; deviceId: string; key: KeyObject; hallCode: string | null } | { ok: false; code: string; message: string };

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function publicKeyFromRaw(x: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}

/**
 * Checks that a request was signed by an enrolled device: Ed25519 over `${timestamp}.${body}`,
 * with a timestamp close to the intake's clock so a captured request cannot be replayed later.
 */
export function createDeviceAuth(devices: DeviceStore, now: () => number = Date.now) {
  const cache = new Map<string, { raw: string; key: KeyObject }>();

  return async (headers: { deviceId?: string; timestamp?: string; signature?: string }, rawBody: string): Promise<AuthResult> => {
    const { deviceId, timestamp, signature } = headers;
    if (!deviceId || !timestamp || !signature) {
      return { ok: false, code: 'unsigned', message: 'x-device-id, x-request-timestamp and x-signature headers are required' };
    }
    const row = await devices.currentKey(deviceId);
    if (!row) return { ok: false, code: 'unknown_device', message: `device ${deviceId} is not enrolled` };
    const at = Number(timestamp);
    if (!Number.isFinite(at) || Math.abs(now() - at) > SIGNATURE_MAX_SKEW_MS) {
      return { ok: false, code: 'stale_request', message: 'the request timestamp is too far from the intake clock' };
    }
    let cached = cache.get(deviceId);
    if (!cached || cached.raw !== row.publicKey) {
      cached = { raw: row.publicKey, key: publicKeyFromRaw(row.publicKey) };
      cache.set(deviceId, cached);
    }
    const valid = verify(null, Buffer.from(`${timestamp}.${rawBody}`), cached.key, Buffer.from(signature, 'base64url'));
    return valid ? { ok: true, deviceId, key: cached.key, hallCode: row.hallCode } : { ok: false, code: 'bad_signature', message: 'the signature does not match the enrolled device key' };
  };
}
