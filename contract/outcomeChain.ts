import { canonicalJson } from './canonicalJson';
import type { Outcome } from './outcome';

/** prevHash of a device's first outcome. */
export const GENESIS_HASH = '0'.repeat(64);

/** An outcome before it is hashed and signed. */
export type UnsealedOutcome = Omit<Outcome, 'hash' | 'signature'>;

/**
 * The exact text an outcome's hash is taken over: every field but the hash and the signature,
 * in canonical JSON. prevHash is inside it, which links each outcome to the one before.
 */
export function outcomeHashInput(outcome: UnsealedOutcome | Outcome): string {
  const { hash: _hash, signature: _signature, ...rest } = outcome as Outcome;
  return canonicalJson(rest);
}

/** The bytes the device signs: the hash's hex text in UTF-8. */
export function signedBytes(hash: string): Uint8Array {
  return new TextEncoder().encode(hash);
}
