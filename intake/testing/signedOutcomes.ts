import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { Outcome } from '../../contract/outcome';
import { GENESIS_HASH, outcomeHashInput, signedBytes, type UnsealedOutcome } from '../../contract/outcomeChain';

/** A device key as tests hold it: the raw public half for enrolment, the private half to sign. */
export function newDeviceKey(): { x: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { x: publicKey.export({ format: 'jwk' }).x as string, privateKey };
}

/** Hashes and signs an outcome as the device does (src/data/outbox.ts). */
export function sealOutcome(unsealed: UnsealedOutcome, privateKey: KeyObject): Outcome {
  const hash = createHash('sha256').update(outcomeHashInput(unsealed)).digest('hex');
  return { ...unsealed, hash, signature: sign(null, Buffer.from(signedBytes(hash)), privateKey).toString('base64url') };
}

/**
 * Links outcomes into one device chain in the order given (seq and prevHash rewritten), starting
 * after `previous` or at the genesis.
 */
export function chain(items: Array<Omit<UnsealedOutcome, 'prevHash'>>, privateKey: KeyObject, previous?: Outcome): Outcome[] {
  let prev = previous;
  return items.map((item, i) => {
    const sealed = sealOutcome({ ...item, seq: (previous?.seq ?? 0) + i + 1, prevHash: prev?.hash ?? GENESIS_HASH }, privateKey);
    prev = sealed;
    return sealed;
  });
}
