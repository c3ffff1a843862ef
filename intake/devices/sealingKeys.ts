import sodium from 'libsodium-wrappers';
import type { SealingKeyStore } from '../store/store';

const B64 = () => sodium.base64_variants.URLSAFE_NO_PADDING;

/**
 * The intake's X25519 key pair for callback phone numbers sealed on the devices. The reference
 * server keeps it in its database; a provincial deployment would keep the private half in its
 * key management service.
 */
export async function loadSealingKeys(keys: SealingKeyStore, now: () => number = Date.now) {
  await sodium.ready;
  let row = await keys.get();
  if (!row) {
    const pair = sodium.crypto_box_keypair();
    // Another intake node may have made one meanwhile: whichever was stored first is the key.
    row = await keys.putIfAbsent({ publicKey: sodium.to_base64(pair.publicKey, B64()), secretKey: sodium.to_base64(pair.privateKey, B64()) }, now());
  }
  const publicKey = sodium.from_base64(row.publicKey, B64());
  const secretKey = sodium.from_base64(row.secretKey, B64());
  return {
    publicKey: row.publicKey,
    /** The phone number inside a sealed box, or null when it does not open with this key. */
    open(sealed: string): string | null {
      try {
        return sodium.to_string(sodium.crypto_box_seal_open(sodium.from_base64(sealed, B64()), publicKey, secretKey));
      } catch {
        return null;
      }
    },
  };
}

export type SealingKeys = Awaited<ReturnType<typeof loadSealingKeys>>;
