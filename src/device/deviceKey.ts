import { signedRequestText } from '../../contract/requestSignature';
import type { EvaluatorDb } from '../data/db';

const KEY_PAIR = 'deviceKeyPair';
/** Bumped when the key is rotated, so signers holding the old pair load the new one. */
let keyGeneration = 0;

/**
 * The device's Ed25519 key. The private half is generated non-extractable and kept in
 * IndexedDB as a CryptoKey, so no script — ours included — can read it out of the device.
 */
export async function loadOrCreateDeviceKey(db: EvaluatorDb, subtle: SubtleCrypto = crypto.subtle): Promise<CryptoKeyPair> {
  const stored = await db.meta.get(KEY_PAIR);
  if (isKeyPair(stored?.value)) return stored.value;
  const pair = await generateDeviceKey(subtle);
  // Two tabs may race on first boot: the first stored pair wins, the other is thrown away.
  return db.transaction('rw', db.meta, async () => {
    const again = await db.meta.get(KEY_PAIR);
    if (isKeyPair(again?.value)) return again.value;
    await db.meta.put({ key: KEY_PAIR, value: pair });
    return pair;
  });
}

/** A new Ed25519 pair whose private half cannot be exported. */
export async function generateDeviceKey(subtle: SubtleCrypto = crypto.subtle): Promise<CryptoKeyPair> {
  return (await subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
}

/** Key rotation: the new pair (already enrolled at the intake) signs from now on. */
export async function replaceDeviceKey(db: EvaluatorDb, pair: CryptoKeyPair): Promise<void> {
  await db.meta.put({ key: KEY_PAIR, value: pair });
  keyGeneration++;
}

function isKeyPair(value: unknown): value is CryptoKeyPair {
  return typeof value === 'object' && value !== null && 'privateKey' in value && 'publicKey' in value;
}

export async function exportPublicKey(pair: CryptoKeyPair, subtle: SubtleCrypto = crypto.subtle): Promise<string> {
  return base64url(new Uint8Array(await subtle.exportKey('raw', pair.publicKey)));
}

/**
 * Signs a request as the intake expects (contract/requestSignature.ts): `payload` is
 * requestSigningPayload(method, path with query, device, nonce, body hash) and the key signs
 * signedRequestText(timestampMs, payload).
 */
export async function signRequest(pair: CryptoKeyPair, timestampMs: number, payload: string, subtle: SubtleCrypto = crypto.subtle): Promise<string> {
  const data = new TextEncoder().encode(signedRequestText(timestampMs, payload));
  return base64url(new Uint8Array(await subtle.sign({ name: 'Ed25519' }, pair.privateKey, data)));
}

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Signs outcome hashes with the device key, loading (or creating) it on first use. */
export function outcomeSigner(db: EvaluatorDb, subtle: SubtleCrypto = crypto.subtle): (bytes: Uint8Array) => Promise<string> {
  let pair: Promise<CryptoKeyPair> | null = null;
  let generation = keyGeneration;
  return async (bytes) => {
    if (generation !== keyGeneration) {
      generation = keyGeneration;
      pair = null;
    }
    pair ??= loadOrCreateDeviceKey(db, subtle);
    const key = await pair;
    return base64url(new Uint8Array(await subtle.sign({ name: 'Ed25519' }, key.privateKey, bytes as BufferSource)));
  };
}
