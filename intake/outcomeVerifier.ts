import { createHash, verify, type KeyObject } from 'node:crypto';
import type { Outcome } from '../contract/outcome';
import { outcomeHashInput, signedBytes } from '../contract/outcomeChain';

export type Verdict = { ok: true } | { ok: false; code: 'tampered' | 'bad_outcome_signature'; reason: string };

/**
 * Checks one outcome against the device key: the hash must be the hash of the content (else the
 * outcome was changed after signing), and the signature must be the device's over that hash
 * (else it was made by someone without the device key).
 */
export function verifyOutcome(outcome: Outcome, deviceKey: KeyObject): Verdict {
  const hash = createHash('sha256').update(outcomeHashInput(outcome)).digest('hex');
  if (hash !== outcome.hash) return { ok: false, code: 'tampered', reason: 'the content does not match its signed hash: it was changed after the device signed it' };
  const valid = verify(null, signedBytes(outcome.hash), deviceKey, Buffer.from(outcome.signature, 'base64url'));
  return valid ? { ok: true } : { ok: false, code: 'bad_outcome_signature', reason: 'the outcome is not signed by the enrolled key of its device' };
}
