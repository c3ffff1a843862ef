import sodium from 'libsodium-wrappers';

await sodium.ready;
const variant = sodium.base64_variants.URLSAFE_NO_PADDING;
const pair = sodium.crypto_box_keypair();

/**
 * A stand-in for the intake's X25519 sealing key in host-only tests: the hall config carries the
 * public half, as a provisioned device would, and the test opens sealed phone numbers with the
 * private half to show only the intake can.
 */
export const TEST_SEALING_PUBLIC_KEY = sodium.to_base64(pair.publicKey, variant);

export function openSealedPhone(sealed: string): string {
  return sodium.to_string(sodium.crypto_box_seal_open(sodium.from_base64(sealed, variant), pair.publicKey, pair.privateKey));
}
