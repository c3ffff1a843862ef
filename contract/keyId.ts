import { z } from 'zod';

/**
 * The id of a device key: base64url of the first 16 bytes of SHA-256 over the raw 32-byte Ed25519
 * public key. Both sides compute it from the key itself (the device from its pair, the intake from
 * the enrolled key in its history), so it cannot name a key the intake does not hold.
 */
export const KeyIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'expected a 22-character base64url key id');
export type KeyId = z.infer<typeof KeyIdSchema>;

/** Bytes of the thumbprint kept in a key id. */
export const KEY_ID_BYTES = 16;

/** The key id of a raw Ed25519 public key given as base64url (as enrolled at the intake). */
export async function keyIdOf(rawPublicKeyBase64url: string, subtle: SubtleCrypto = globalThis.crypto.subtle): Promise<KeyId> {
  const raw = fromBase64url(rawPublicKeyBase64url);
  if (raw.length !== 32) throw new Error(`an Ed25519 public key has 32 bytes, not ${raw.length}`);
  return keyIdFromDigest(new Uint8Array(await subtle.digest('SHA-256', raw as BufferSource)));
}

/** The key id from a SHA-256 digest of the raw public key (for a caller that hashes it itself). */
export function keyIdFromDigest(digest: Uint8Array): KeyId {
  if (digest.length !== 32) throw new Error('expected a SHA-256 digest');
  let binary = '';
  for (const byte of digest.subarray(0, KEY_ID_BYTES)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=/g, '');
}

function fromBase64url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('expected base64url');
  // atob takes base64 without its padding (forgiving-base64 decode).
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
