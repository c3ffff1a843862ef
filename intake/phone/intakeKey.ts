import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../../contract/canonicalJson';
import { keyIdFromDigest } from '../../contract/keyId';
import type { PhoneRating } from '../../contract/phoneRating';
import type { PhoneStore } from '../store/store';

export type UnsignedPhoneRating = Omit<PhoneRating, 'keyId' | 'signature'>;

/**
 * The intake's own keys (issue 24): an Ed25519 key that signs the ratings made on citizens'
 * phones — they are on no device's chain, so the intake answers for them — and the secret its
 * case-bound links are MACed with. Made once and kept in the database, like the sealing key; a
 * provincial deployment would keep the private halves in its key management service.
 */
export async function loadIntakeKeys(store: Pick<PhoneStore, 'keys' | 'putKeysIfAbsent'>, now: () => number = Date.now) {
  let row = await store.keys();
  if (!row) {
    const pair = generateKeyPairSync('ed25519');
    // Another intake node may have made one meanwhile: whichever was stored first is the key.
    row = await store.putKeysIfAbsent(
      {
        signingKey: pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
        publicKey: rawPublicKey(pair.publicKey).toString('base64url'),
        linkSecret: randomBytes(32).toString('base64'),
      },
      now(),
    );
  }
  const privateKey = createPrivateKey({ key: Buffer.from(row.signingKey, 'base64'), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey);
  const keyId = keyIdFromDigest(createHash('sha256').update(rawPublicKey(publicKey)).digest());
  return {
    keyId,
    /** Raw Ed25519 public key, base64url: what a verifier (a province, an auditor) needs. */
    publicKey: row.publicKey,
    linkSecret: Buffer.from(row.linkSecret, 'base64'),
    sign(rating: UnsignedPhoneRating): PhoneRating {
      const withKey = { ...rating, keyId };
      return { ...withKey, signature: sign(null, Buffer.from(canonicalJson(withKey)), privateKey).toString('base64url') };
    },
    verify(rating: PhoneRating): boolean {
      const { signature, ...signed } = rating;
      return rating.keyId === keyId && verify(null, Buffer.from(canonicalJson(signed)), publicKey, Buffer.from(signature, 'base64url'));
    },
    /** A keyed hash that lets limits compare addresses and browsers without storing them. */
    privacyKey(kind: 'address' | 'browser', value: string): string {
      return createHash('sha256').update(row.linkSecret).update(`\0${kind}\0${value}`).digest('base64url').slice(0, 22);
    },
  };
}

export type IntakeKeys = Awaited<ReturnType<typeof loadIntakeKeys>>;

function rawPublicKey(key: KeyObject): Buffer {
  // The last 32 bytes of the SPKI DER are the raw Ed25519 key.
  return key.export({ format: 'der', type: 'spki' }).subarray(-32);
}
