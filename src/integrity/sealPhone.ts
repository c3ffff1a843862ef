/**
 * Seals a callback phone number to the intake's X25519 public key with a libsodium sealed box:
 * anonymous sender, only the intake's private key opens it. Loaded on demand, because only a
 * 差评 with a callback needs it and libsodium is large for the first screen.
 */
export async function sealPhone(phone: string, intakePublicKey: string): Promise<string> {
  const { default: sodium } = await import('libsodium-wrappers');
  await sodium.ready;
  const variant = sodium.base64_variants.URLSAFE_NO_PADDING;
  const sealed = sodium.crypto_box_seal(sodium.from_string(phone), sodium.from_base64(intakePublicKey, variant));
  return sodium.to_base64(sealed, variant);
}
