import 'fake-indexeddb/auto';
import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { requestSigningPayload, signedRequestText } from '../../contract/requestSignature';
import { openEvaluatorDb } from '../data/db';
import { exportPublicKey, loadOrCreateDeviceKey, signRequest } from './deviceKey';

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
