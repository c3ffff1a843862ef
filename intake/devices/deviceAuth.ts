import { createHash, createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { NonceSchema, requestSigningPayload, signedRequestText, SIGNATURE_MAX_SKEW_MS } from '../../contract/requestSignature';
import type { DeviceStore, RequestStore } from '../store/store';

/** A signed request's device, its key and its hall (null: not known yet, see DeviceStore.currentKey). */
export type AuthResult =
  | { ok: true; deviceId: string; key: KeyObject; hallCode: string | null }
  | { ok: false; code: string; message: string; /** With stale_request: the intake's clock, to correct by. */ serverTimeMs?: number };

/** What the intake checks of a request: its line, its exact body, and its signing headers. */
export interface SignedRequestParts {
  method: string;
  /** Path and query as the request line gave them. */
  url: string;
  /** The exact body text ('' when there is none). */
  body: string;
  deviceId: string | undefined;
  timestamp: string | undefined;
  nonce: string | undefined;
  signature: string | undefined;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function publicKeyFromRaw(x: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** A public key whose private half was never kept: what a request naming an unknown device is checked against. */
const NOBODYS_KEY = generateKeyPairSync('ed25519').publicKey;

/**
 * Checks that a request was signed by an enrolled device (contract/requestSignature.ts): Ed25519
 * over its method, path with query, body hash, device, nonce and a timestamp within ±2 minutes
 * of the intake's clock; the nonce is remembered in the database for that long, so the same
 * request is accepted once, on one route, and never again (not after a restart either). An
 * unknown device and a bad signature get the same answer.
 */
export function createDeviceAuth(store: { devices: DeviceStore; requests: RequestStore }, now: () => number = Date.now) {
  const cache = new Map<string, { raw: string; key: KeyObject }>();

  return async (parts: SignedRequestParts): Promise<AuthResult> => {
    const { deviceId, timestamp, nonce, signature } = parts;
    if (!deviceId || !timestamp || !nonce || !signature) {
      return { ok: false, code: 'unsigned', message: 'x-device-id, x-request-timestamp, x-request-nonce and x-signature headers are required' };
    }
    if (!NonceSchema.safeParse(nonce).success) return { ok: false, code: 'unsigned', message: 'x-request-nonce must be 16–64 base64url characters' };
    // Before anything about the device is looked up, so the answer tells nothing of which devices exist.
    const at = Number(timestamp);
    const serverTimeMs = now();
    if (!/^\d{1,16}$/.test(timestamp) || Math.abs(serverTimeMs - at) > SIGNATURE_MAX_SKEW_MS) {
      return { ok: false, code: 'stale_request', message: 'the request timestamp is more than 2 minutes from the intake clock: correct by serverTimeMs and sign again', serverTimeMs };
    }
    const row = await store.devices.currentKey(deviceId);
    let cached = row ? cache.get(deviceId) : undefined;
    if (row && (!cached || cached.raw !== row.publicKey)) {
      cached = { raw: row.publicKey, key: publicKeyFromRaw(row.publicKey) };
      cache.set(deviceId, cached);
    }
    // A device that is not enrolled is checked against a key nobody holds: the same work and the
    // same answer as a bad signature, so the answer does not tell which device ids exist.
    const key = cached?.key ?? NOBODYS_KEY;
    const payload = requestSigningPayload({ method: parts.method, pathWithQuery: parts.url, deviceId, nonce, bodySha256: sha256Hex(parts.body) });
    const valid = verify(null, Buffer.from(signedRequestText(timestamp, payload)), key, Buffer.from(signature, 'base64url'));
    if (!valid || !row || !cached) return { ok: false, code: 'bad_signature', message: 'the request is not signed by an enrolled device' };
    // Remembered until the timestamp leaves the window: after that the request is stale anyway.
    if (!(await store.requests.useNonce(deviceId, nonce, at + SIGNATURE_MAX_SKEW_MS, serverTimeMs))) {
      return { ok: false, code: 'replayed_request', message: 'this request was already received' };
    }
    return { ok: true, deviceId, key: cached.key, hallCode: row.hallCode };
  };
}
