import type { KeyObject } from 'node:crypto';
import { keyIdOf } from '../../contract/keyId';
import { publicKeyFromRaw } from '../devices/deviceAuth';
import type { DeviceKeyRecord } from '../store/store';

/** A key of a device's history with its id (contract/keyId.ts). */
export type KnownKey = DeviceKeyRecord & { keyId: string };

export type KeyChoice<K extends KnownKey> = { ok: true; key: K } | { ok: false; reason: string };

/**
 * Which key of the device's history (oldest first) an outcome must be signed by, or why none may.
 *
 * - No keyId (a device from before key ids): the device's current key, as before.
 * - A keyId the history does not hold: none.
 * - The current key: it.
 * - A retired key: only for an outcome before the rotation point, i.e. a seq below the first seq
 *   any later key of the device signed (DeviceKeyRecord.firstSeq). While no later key has signed
 *   anything yet, the retired key still counts: the device's outbox holds outcomes signed before
 *   the switch, and ratings made while the new key was being enrolled. Why a seq and not a grace
 *   period: a device may stay offline for days after a rotation, and its old-key ratings must
 *   still count then; and the chain is ordered, so the first new-key seq splits it exactly (the
 *   device never signs with the old key once the new one signed: src/device/deviceKey.ts). An
 *   outcome below the rotation point is pinned by the new key's first outcome, whose prevHash
 *   links to it; nothing after it can be added with the old key. In the window before the new
 *   key's first outcome arrives, only the device can upload at all: batches are signed requests
 *   checked against the current key (intake/devices/deviceAuth.ts), which a leaked old key is not.
 */
export function chooseKey<K extends KnownKey>(outcome: { seq: number; keyId?: string | undefined }, history: readonly K[]): KeyChoice<K> {
  if (outcome.keyId === undefined) {
    const current = lastIndex(history, (k) => k.retiredAt === null);
    return current < 0 ? { ok: false, reason: 'the device has no current key' } : { ok: true, key: history[current]! };
  }
  // The newest entry of that key (the same key enrolled again is one key).
  const index = lastIndex(history, (k) => k.keyId === outcome.keyId);
  if (index < 0) return { ok: false, reason: `key ${outcome.keyId} is not a key of this device` };
  const key = history[index]!;
  // The current key is the newest: no later key, no rotation point, any seq.
  const point = rotationPoint(history.slice(index + 1));
  if (point !== null && outcome.seq >= point) {
    return { ok: false, reason: `key ${outcome.keyId} was retired: it counts only below seq ${point}, the first its successor signed, and this outcome is seq ${outcome.seq}` };
  }
  return { ok: true, key };
}

function lastIndex<K>(items: readonly K[], test: (item: K) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}

/** The lowest seq any of these keys signed; null when none signed anything. */
export function rotationPoint(later: readonly DeviceKeyRecord[]): number | null {
  let point: number | null = null;
  for (const k of later) {
    if (k.firstSeq !== null) point = point === null ? k.firstSeq : Math.min(point, k.firstSeq);
  }
  return point;
}

/** A stored outcome at `seq` was signed by `key`: its in-memory record as the store now holds it (the store is told separately). */
export function noteSignedIn(key: KnownKey, seq: number): void {
  key.firstSeq = key.firstSeq === null ? seq : Math.min(key.firstSeq, seq);
}

/**
 * What a raw public key gives (its id, its KeyObject) is a function of the key alone, and every
 * batch of a device needs it for each key of its history twice: kept for the keys seen lately
 * instead of made again (issue 25). Oldest first out once more keys than this were seen.
 */
export const KEPT_KEYS = 20_000;
const keyIds = new Map<string, string>();
const keyObjects = new Map<string, KeyObject>();

function remember<V>(kept: Map<string, V>, raw: string, value: V): V {
  kept.set(raw, value);
  if (kept.size > KEPT_KEYS) kept.delete(kept.keys().next().value as string);
  return value;
}

/** The device's key history with each key's id. */
export async function withKeyIds(records: readonly DeviceKeyRecord[]): Promise<KnownKey[]> {
  return Promise.all(records.map(async (r) => ({ ...r, keyId: keyIds.get(r.publicKey) ?? remember(keyIds, r.publicKey, await keyIdOf(r.publicKey)) })));
}

/** The device's key history with each key's id and its public key as Node holds it. */
export async function loadKeys(records: readonly DeviceKeyRecord[]): Promise<Array<KnownKey & { key: KeyObject }>> {
  return (await withKeyIds(records)).map((k) => ({ ...k, key: keyObjects.get(k.publicKey) ?? remember(keyObjects, k.publicKey, publicKeyFromRaw(k.publicKey)) }));
}
