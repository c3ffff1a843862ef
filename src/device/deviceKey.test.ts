import 'fake-indexeddb/auto';
import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { requestSigningPayload, signedRequestText } from '../../contract/requestSignature';
import { openEvaluatorDb } from '../data/db';
import { keyIdOf } from '../../contract/keyId';
import { exportPublicKey, finishRotation, generateDeviceKey, loadOrCreateDeviceKey, outcomeSigner, pendingRotationKey, retiredKeyIds, signRequest } from './deviceKey';

describe('device key', () => {
  it('is created once, survives reopening, and cannot be exported', async () => {
    const name = `key-${crypto.randomUUID()}`;
    const db = openEvaluatorDb(name);
    const first = await loadOrCreateDeviceKey(db);
    db.close();
    const reopened = openEvaluatorDb(name);
    const second = await loadOrCreateDeviceKey(reopened);
    expect(await exportPublicKey(second)).toBe(await exportPublicKey(first));
    expect(second.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('pkcs8', second.privateKey)).rejects.toThrow();
    reopened.close();
  });

  it('signs requests that node:crypto verifies with the exported public key', async () => {
    const db = openEvaluatorDb(`key-${crypto.randomUUID()}`);
    const pair = await loadOrCreateDeviceKey(db);
    const x = await exportPublicKey(pair);
    expect(x).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const payload = requestSigningPayload({ method: 'POST', pathWithQuery: '/v1/outcomes/batch', deviceId: 'pad-1', nonce: 'n'.repeat(22), bodySha256: 'a'.repeat(64) });
    const signature = await signRequest(pair, 1_700_000_000_000, payload);
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    expect(verify(null, Buffer.from(signedRequestText(1_700_000_000_000, payload)), publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
    expect(verify(null, Buffer.from(signedRequestText(1_700_000_000_001, payload)), publicKey, Buffer.from(signature, 'base64url'))).toBe(false);
    db.close();
  });
});

describe('the key that signs now, across tabs and rotations', () => {
  it('gives a key from before key ids its id, and a signer in another tab follows a rotation at its next signature', async () => {
    const name = `key-${crypto.randomUUID()}`;
    const tabA = openEvaluatorDb(name);
    const tabB = openEvaluatorDb(name);
    // A device from before key ids: the pair alone.
    const legacy = await generateDeviceKey();
    await tabA.meta.put({ key: 'deviceKeyPair', value: legacy });
    const signerB = outcomeSigner(tabB);
    const legacyId = await keyIdOf(await exportPublicKey(legacy));
    expect((await signerB.keyed()).keyId).toBe(legacyId);
    expect((await tabA.meta.get('deviceKeyId'))?.value).toBe(legacyId);

    // Tab A rotates.
    const fresh = await pendingRotationKey(tabA, 'digest-1');
    expect(await exportPublicKey(await pendingRotationKey(tabB, 'digest-1'))).toBe(await exportPublicKey(fresh));
    expect(await finishRotation(tabA, 'digest-1', [{ key: 'marker', value: 1 }])).toBe(true);
    expect(await finishRotation(tabB, 'digest-1')).toBe(false);
    expect((await tabB.meta.get('marker'))?.value).toBe(1);
    const freshId = await keyIdOf(await exportPublicKey(fresh));
    const { keyId, sign } = await signerB.keyed();
    expect(keyId).toBe(freshId);
    const signature = await sign(new TextEncoder().encode('abc'));
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: await exportPublicKey(fresh) }, format: 'jwk' });
    expect(verify(null, Buffer.from('abc'), publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
    expect(await retiredKeyIds(tabB)).toEqual([legacyId]);
    tabA.close();
    tabB.close();
  });
});
