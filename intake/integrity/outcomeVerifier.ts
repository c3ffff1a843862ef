import { createHash, verify, type KeyObject } from 'node:crypto';
import type { Outcome } from '../../contract/outcome';
import { outcomeHashInput, signedBytes } from '../../contract/outcomeChain';

export type Verdict = { ok: true } | { ok: false; code: 'tampered' | 'bad_outcome_signature'; reason: string };

const TAMPERED: Verdict = { ok: false, code: 'tampered', reason: 'the content does not match its signed hash: it was changed after the device signed it' };
const FOREIGN: Verdict = { ok: false, code: 'bad_outcome_signature', reason: 'the outcome is not signed by the enrolled key of its device' };

/**
 * Checks one outcome against the device key: the hash must be the hash of the content (else the
 * outcome was changed after signing), and the signature must be the device's over that hash
 * (else it was made by someone without the device key). The signature check runs on libuv's
 * thread pool: it is the costliest step of ingest, and a batch's checks then run side by side
 * and off the thread that serves requests.
 */
export async function verifyOutcome(outcome: Outcome, deviceKey: KeyObject): Promise<Verdict> {
  if (!hashMatchesContent(outcome)) return TAMPERED;
  return (await signedBy(outcome, deviceKey)) ? { ok: true } : FOREIGN;
}

/** Whether the outcome's hash is the hash of its content (else it changed after signing). */
export function hashMatchesContent(outcome: Outcome): boolean {
  return createHash('sha256').update(outcomeHashInput(outcome)).digest('hex') === outcome.hash;
}

/** Whether the signature over the outcome's hash is this key's. */
export function signedBy(outcome: Outcome, key: KeyObject): Promise<boolean> {
  return new Promise((resolve, reject) => {
    verify(null, signedBytes(outcome.hash), key, Buffer.from(outcome.signature, 'base64url'), (error, valid) => {
      if (error) reject(error);
      else resolve(valid);
    });
  });
}
