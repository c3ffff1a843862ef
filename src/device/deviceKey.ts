import { keyIdOf } from '../../contract/keyId';
import { signedRequestText } from '../../contract/requestSignature';
import type { EvaluatorDb, MetaRow } from '../data/db';

const KEY_PAIR = 'deviceKeyPair';
/** The id (contract/keyId.ts) of the pair under KEY_PAIR, written in the same transaction as the pair. */
const KEY_ID = 'deviceKeyId';
/** A key retired by a rotation, kept until every outcome it signed is acknowledged: `retiredKey:<keyId>`. */
const RETIRED_PREFIX = 'retiredKey:';
/** The pair being enrolled by a rotation, and the digest of the token it is enrolled with. */
const PENDING_PAIR = 'pendingKeyPair';
const PENDING_TOKEN = 'pendingKeyToken';

/** The device key that signs now, with its id. */
export interface CurrentKey {
  keyId: string;
  pair: CryptoKeyPair;
}

/**
 * The device's Ed25519 key. The private half is generated non-extractable and kept in
 * IndexedDB as a CryptoKey, so no script — ours included — can read it out of the device.
 */
export async function loadOrCreateDeviceKey(db: EvaluatorDb, subtle: SubtleCrypto = crypto.subtle): Promise<CryptoKeyPair> {
  const stored = await db.meta.get(KEY_PAIR);
  if (isKeyPair(stored?.value)) return stored.value;
  const pair = await generateDeviceKey(subtle);
  // Two tabs may race on first boot: the first stored pair wins, the other is thrown away.
  const keyId = await keyIdOf(await exportPublicKey(pair, subtle), subtle);
  return db.transaction('rw', db.meta, async () => {
    const again = await db.meta.get(KEY_PAIR);
    if (isKeyPair(again?.value)) return again.value;
    await db.meta.bulkPut([{ key: KEY_PAIR, value: pair }, { key: KEY_ID, value: keyId }]);
    return pair;
  });
}

/**
 * The key that signs now and its id, read from the database on every call so that a rotation
 * made by another tab is seen at once (the pair itself is re-read only when the id changed).
 * A device from before key ids gets its key's id written beside the pair.
 */
export function currentKeyReader(db: EvaluatorDb, subtle: SubtleCrypto = crypto.subtle): () => Promise<CurrentKey> {
  let cached: CurrentKey | null = null;
  return async () => {
    const idRow = await db.meta.get(KEY_ID);
    if (typeof idRow?.value === 'string' && cached?.keyId === idRow.value) return cached;
    const [pairRow, idAgain] = await db.transaction('r', db.meta, () => Promise.all([db.meta.get(KEY_PAIR), db.meta.get(KEY_ID)]));
    if (isKeyPair(pairRow?.value) && typeof idAgain?.value === 'string') return (cached = { keyId: idAgain.value, pair: pairRow.value });
    // No key yet, or a key from before key ids: it gets its id. A rotation always writes the id
    // with the pair, so while no id is stored the stored pair is still this one.
    const pair = isKeyPair(pairRow?.value) ? pairRow.value : await loadOrCreateDeviceKey(db, subtle);
    const keyId = await keyIdOf(await exportPublicKey(pair, subtle), subtle);
    return (cached = await db.transaction('rw', db.meta, async () => {
      const [p, id] = await Promise.all([db.meta.get(KEY_PAIR), db.meta.get(KEY_ID)]);
      if (isKeyPair(p?.value) && typeof id?.value === 'string') return { keyId: id.value, pair: p.value };
      await db.meta.put({ key: KEY_ID, value: keyId });
      return { keyId, pair };
    }));
  };
}

/** A new Ed25519 pair whose private half cannot be exported. */
export async function generateDeviceKey(subtle: SubtleCrypto = crypto.subtle): Promise<CryptoKeyPair> {
  return (await subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
}

/**
 * The pair a rotation with this token enrols: made once and stored before it is sent, so that a
 * second tab, a reload or a lost answer enrols the same pair again (the intake answers a used
 * token presented again with the same key as enrolled) instead of racing with another one.
 */
export async function pendingRotationKey(db: EvaluatorDb, tokenDigest: string, subtle: SubtleCrypto = crypto.subtle): Promise<CryptoKeyPair> {
  const stored = await pendingOf(db, tokenDigest);
  if (stored) return stored;
  const fresh = await generateDeviceKey(subtle);
  return db.transaction('rw', db.meta, async () => {
    const again = await pendingOf(db, tokenDigest);
    if (again) return again;
    await db.meta.bulkPut([{ key: PENDING_PAIR, value: fresh }, { key: PENDING_TOKEN, value: tokenDigest }]);
    return fresh;
  });
}

async function pendingOf(db: EvaluatorDb, tokenDigest: string): Promise<CryptoKeyPair | null> {
  const [pair, token] = await db.transaction('r', db.meta, () => Promise.all([db.meta.get(PENDING_PAIR), db.meta.get(PENDING_TOKEN)]));
  return token?.value === tokenDigest && isKeyPair(pair?.value) ? pair.value : null;
}

/**
 * Key rotation, once the intake enrolled the pending pair: it signs from now on, and the pair it
 * replaces is kept as a retired key until every outcome it signed is acknowledged
 * (pruneRetiredKeys). One transaction (with `alsoPut`), so every tab sees either the old key or the
 * new one with its id. Returns false when there was nothing to finish (another tab finished it).
 */
export async function finishRotation(db: EvaluatorDb, tokenDigest: string, alsoPut: MetaRow[] = [], subtle: SubtleCrypto = crypto.subtle): Promise<boolean> {
  const pending = await pendingOf(db, tokenDigest);
  if (!pending) return false;
  const newId = await keyIdOf(await exportPublicKey(pending, subtle), subtle);
  const old = await currentKeyReader(db, subtle)();
  return db.transaction('rw', db.meta, async () => {
    // Another tab finished it meanwhile: the pending pair is gone, and the key is the new one.
    if ((await db.meta.get(PENDING_TOKEN))?.value !== tokenDigest) return false;
    // The key retired is the one read above (its id was written by the reader).
    if ((await db.meta.get(KEY_ID))?.value !== old.keyId) return false;
    await db.meta.bulkPut([
      { key: `${RETIRED_PREFIX}${old.keyId}`, value: old.pair },
      { key: KEY_PAIR, value: pending },
      { key: KEY_ID, value: newId },
      ...alsoPut,
    ]);
    await db.meta.bulkDelete([PENDING_PAIR, PENDING_TOKEN]);
    return true;
  });
}

/** Ids of the retired keys still kept. */
export async function retiredKeyIds(db: EvaluatorDb): Promise<string[]> {
  const keys = await db.meta.where('key').startsWith(RETIRED_PREFIX).primaryKeys();
  return keys.map((k) => String(k).slice(RETIRED_PREFIX.length));
}

/**
 * Deletes each retired key that signed nothing still waiting: no outbox row and no dead letter
 * (which a person may requeue) carries its id. Returns the ids deleted.
 */
export async function pruneRetiredKeys(db: EvaluatorDb): Promise<string[]> {
  const ids = await retiredKeyIds(db);
  if (ids.length === 0) return [];
  return db.transaction('rw', [db.meta, db.outbox, db.deadLetters], async () => {
    const waiting = new Set<string>();
    await db.outbox.each((row) => void (row.keyId !== undefined && waiting.add(row.keyId)));
    await db.deadLetters.each((row) => void (row.keyId !== undefined && waiting.add(row.keyId)));
    const done = ids.filter((id) => !waiting.has(id));
    await db.meta.bulkDelete(done.map((id) => `${RETIRED_PREFIX}${id}`));
    return done;
  });
}

function isKeyPair(value: unknown): value is CryptoKeyPair {
  return typeof value === 'object' && value !== null && 'privateKey' in value && 'publicKey' in value;
}

export async function exportPublicKey(pair: CryptoKeyPair, subtle: SubtleCrypto = crypto.subtle): Promise<string> {
  return base64url(new Uint8Array(await subtle.exportKey('raw', pair.publicKey)));
}

/**
 * Signs a request as the intake expects (contract/requestSignature.ts): `payload` is
 * requestSigningPayload(method, path with query, device, nonce, body hash) and the key signs
 * signedRequestText(timestampMs, payload).
 */
export async function signRequest(pair: CryptoKeyPair, timestampMs: number, payload: string, subtle: SubtleCrypto = crypto.subtle): Promise<string> {
  const data = new TextEncoder().encode(signedRequestText(timestampMs, payload));
  return base64url(new Uint8Array(await subtle.sign({ name: 'Ed25519' }, pair.privateKey, data)));
}

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Signs bytes with the device's private key; returns the base64url signature. */
export type Signer = (bytes: Uint8Array) => Promise<string>;

/** A signer that also names the key it signs with, for a record that carries its key id inside its hash. */
export type KeyedSigner = Signer & {
  /** The key that signs now: its id, and a signer bound to that very key. */
  keyed(): Promise<{ keyId: string; sign: Signer }>;
};

/**
 * Signs with the device key, loading (or creating) it on first use. The key is looked up on every
 * signature, so a rotation by this tab or another is followed at once; `keyed()` binds one key
 * for a record whose hash must hold the id of the key that signs it.
 */
export function outcomeSigner(db: EvaluatorDb, subtle: SubtleCrypto = crypto.subtle): KeyedSigner {
  const current = currentKeyReader(db, subtle);
  const bound = (pair: CryptoKeyPair): Signer => async (bytes) => base64url(new Uint8Array(await subtle.sign({ name: 'Ed25519' }, pair.privateKey, bytes as BufferSource)));
  const sign: Signer = async (bytes) => bound((await current()).pair)(bytes);
  return Object.assign(sign, {
    keyed: async () => {
      const { keyId, pair } = await current();
      return { keyId, sign: bound(pair) };
    },
  });
}
