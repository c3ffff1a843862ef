import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyIdOf } from '../../contract/keyId';
import { chooseKey, KEPT_KEYS, loadKeys, noteSignedIn, rotationPoint, withKeyIds, type KnownKey } from './keyChoice';

const k = (keyId: string, enrolledAt: number, retiredAt: number | null, firstSeq: number | null): KnownKey => ({ keyId, publicKey: `pk-${keyId}`, enrolledAt, retiredAt, firstSeq });

describe('which key of the history an outcome must be signed by', () => {
  const history = [k('A', 1, 2, 1), k('B', 2, 3, 10), k('C', 3, null, 20)];

  it('without a keyId: the current key, and no key when none is current', () => {
    expect(chooseKey({ seq: 5 }, history)).toEqual({ ok: true, key: history[2] });
    expect(chooseKey({ seq: 5, keyId: undefined }, history)).toEqual({ ok: true, key: history[2] });
    expect(chooseKey({ seq: 5 }, [k('A', 1, 2, 1)])).toEqual({ ok: false, reason: 'the device has no current key' });
    expect(chooseKey({ seq: 5 }, [])).toMatchObject({ ok: false });
    const only = [k('A', 1, null, 1)];
    expect(chooseKey({ seq: 5 }, only)).toEqual({ ok: true, key: only[0] });
  });

  it('a key id the history does not hold is refused by name', () => {
    expect(chooseKey({ seq: 5, keyId: 'Z' }, history)).toEqual({ ok: false, reason: 'key Z is not a key of this device' });
    expect(chooseKey({ seq: 5, keyId: 'Z' }, [])).toMatchObject({ ok: false });
  });

  it('the current key counts at any seq', () => {
    expect(chooseKey({ seq: 1, keyId: 'C' }, history)).toEqual({ ok: true, key: history[2] });
    expect(chooseKey({ seq: 1000, keyId: 'C' }, history)).toEqual({ ok: true, key: history[2] });
  });

  it('a retired key counts strictly below the first seq its successor signed', () => {
    expect(chooseKey({ seq: 19, keyId: 'B' }, history)).toEqual({ ok: true, key: history[1] });
    expect(chooseKey({ seq: 20, keyId: 'B' }, history)).toEqual({
      ok: false,
      reason: 'key B was retired: it counts only below seq 20, the first its successor signed, and this outcome is seq 20',
    });
    expect(chooseKey({ seq: 21, keyId: 'B' }, history)).toMatchObject({ ok: false });
  });

  it('any later key sets the point, whichever signed lowest (a key rotated out before it signed anything)', () => {
    // A → B (never signed) → C (signed from 20): A counts below 20.
    const skipped = [k('A', 1, 2, 1), k('B', 2, 3, null), k('C', 3, null, 20)];
    expect(chooseKey({ seq: 19, keyId: 'A' }, skipped)).toMatchObject({ ok: true });
    expect(chooseKey({ seq: 20, keyId: 'A' }, skipped)).toMatchObject({ ok: false });
    // The lowest of the later keys' first seqs, not the last one's.
    expect(chooseKey({ seq: 10, keyId: 'A' }, history)).toMatchObject({ ok: false });
    expect(chooseKey({ seq: 9, keyId: 'A' }, history)).toMatchObject({ ok: true, key: history[0] });
  });

  it('while no later key has signed, the retired key still counts (ratings made during enrolment)', () => {
    const rotating = [k('A', 1, 2, 1), k('B', 2, null, null)];
    expect(chooseKey({ seq: 500, keyId: 'A' }, rotating)).toEqual({ ok: true, key: rotating[0] });
  });

  it('a key enrolled again is judged by its newest entry', () => {
    const again = [k('A', 1, 2, 1), k('B', 2, 3, 5), k('A', 3, null, null)];
    expect(chooseKey({ seq: 50, keyId: 'A' }, again)).toEqual({ ok: true, key: again[2] });
    const retiredAgain = [k('A', 1, 2, 1), k('B', 2, 3, 5), k('A', 3, 4, 8), k('C', 4, null, 30)];
    expect(chooseKey({ seq: 29, keyId: 'A' }, retiredAgain)).toEqual({ ok: true, key: retiredAgain[2] });
    expect(chooseKey({ seq: 30, keyId: 'A' }, retiredAgain)).toMatchObject({ ok: false });
  });

  it('the rotation point is the lowest first seq, null when none signed', () => {
    expect(rotationPoint([])).toBeNull();
    expect(rotationPoint([k('A', 1, null, null)])).toBeNull();
    expect(rotationPoint([k('A', 1, 2, 7), k('B', 2, null, 3), k('C', 3, null, null)])).toBe(3);
    expect(rotationPoint([k('A', 1, 2, 3), k('B', 2, null, 7)])).toBe(3);
    expect(rotationPoint([k('A', 1, 2, null), k('B', 2, null, 7)])).toBe(7);
  });

  it('noting a signed seq keeps the lowest', () => {
    const key = k('A', 1, null, null);
    noteSignedIn(key, 9);
    expect(key.firstSeq).toBe(9);
    noteSignedIn(key, 12);
    expect(key.firstSeq).toBe(9);
    noteSignedIn(key, 9);
    expect(key.firstSeq).toBe(9);
    noteSignedIn(key, 4);
    expect(key.firstSeq).toBe(4);
  });

  it('loads ids and Node keys from the stored history', async () => {
    const x = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x as string;
    const record = { publicKey: x, enrolledAt: 1, retiredAt: null, firstSeq: 3 };
    const [withId] = await withKeyIds([record]);
    expect(withId).toEqual({ ...record, keyId: await keyIdOf(x) });
    const [loaded] = await loadKeys([record]);
    expect(loaded?.keyId).toBe(await keyIdOf(x));
    expect(loaded?.key.export({ format: 'jwk' }).x).toBe(x);
  });

  it('keeps the keys seen lately: the oldest goes once more than KEPT_KEYS were seen, and only it', { timeout: 60_000 }, async () => {
    // Distinct raw keys (OpenSSL takes any 32 bytes as an Ed25519 public key; nothing here verifies with them).
    const raws = Array.from({ length: KEPT_KEYS + 1 }, (_, i) => {
      const raw = Buffer.alloc(32);
      raw.writeUInt32BE(i, 0);
      raw.write('keyChoice-eviction', 4);
      return raw.toString('base64url');
    });
    const record = (publicKey: string) => ({ publicKey, enrolledAt: 1, retiredAt: null, firstSeq: null });
    const [first] = await loadKeys([record(raws[0]!)]);
    const [second] = await loadKeys([record(raws[1]!)]);
    for (let i = 2; i < raws.length; i += 1_000) await loadKeys(raws.slice(i, i + 1_000).map(record));
    // The second is still kept (asked first: asking for the first again would push out another).
    expect((await loadKeys([record(raws[1]!)]))[0]?.key).toBe(second?.key);
    expect((await loadKeys([record(raws[0]!)]))[0]?.key).not.toBe(first?.key);
  });

  it('keeps what a key gives for the next batch, each key its own, and the history as the store said it', async () => {
    const raw = () => generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x as string;
    const [a, b] = [raw(), raw()];
    const history = [
      { publicKey: a, enrolledAt: 1, retiredAt: 2, firstSeq: 1 },
      { publicKey: b, enrolledAt: 2, retiredAt: null, firstSeq: null },
    ];
    const first = await loadKeys(history);
    const next = await loadKeys([{ ...history[0]!, firstSeq: 5 }, history[1]!]);
    expect(next[0]?.key).toBe(first[0]?.key);
    expect(next[1]?.key).toBe(first[1]?.key);
    expect(next.map((k) => [k.keyId, k.key.export({ format: 'jwk' }).x, k.firstSeq])).toEqual([
      [await keyIdOf(a), a, 5],
      [await keyIdOf(b), b, null],
    ]);
  });
});
