import sodium from 'libsodium-wrappers';
import type { IntakeDb } from './database';

const B64 = () => sodium.base64_variants.URLSAFE_NO_PADDING;

/**
 * The intake's X25519 key pair for callback phone numbers sealed on the devices. The reference
 * server keeps it in its database; a provincial deployment would keep the private half in its
 * key management service.
 */
export async function loadSealingKeys(db: IntakeDb, now: () => number = Date.now) {
  await sodium.ready;
  let row = db.prepare<[], { public_key: string; secret_key: string }>('SELECT public_key, secret_key FROM sealing_keys WHERE id = 1').get();
  if (!row) {
    const pair = sodium.crypto_box_keypair();
    row = { public_key: sodium.to_base64(pair.publicKey, B64()), secret_key: sodium.to_base64(pair.privateKey, B64()) };
    db.prepare('INSERT INTO sealing_keys (id, public_key, secret_key, created_at) VALUES (1, ?, ?, ?)').run(row.public_key, row.secret_key, now());
  }
  const publicKey = sodium.from_base64(row.public_key, B64());
  const secretKey = sodium.from_base64(row.secret_key, B64());
  return {
    publicKey: row.public_key,
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
