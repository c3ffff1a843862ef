import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyIdSchema, keyIdFromDigest, keyIdOf } from './keyId';

describe('key id', () => {
  it('is base64url of the first 16 bytes of SHA-256 over the raw public key', async () => {
    const x = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x as string;
    const expected = createHash('sha256').update(Buffer.from(x, 'base64url')).digest().subarray(0, 16).toString('base64url');
    const id = await keyIdOf(x);
    expect(id).toBe(expected);
    expect(KeyIdSchema.safeParse(id).success).toBe(true);
  });

  it('maps base64 to base64url both ways, without padding', async () => {
    // Bytes whose base64 is full of + and /: the raw key in base64url has - and _, its id too.
    const raw = Buffer.alloc(32, 0xfb);
    raw[31] = 0xff;
    const x = raw.toString('base64url');
    expect(x).toMatch(/[-_]/);
    expect(x).toHaveLength(43);
    const expected = createHash('sha256').update(raw).digest().subarray(0, 16).toString('base64url');
    expect(await keyIdOf(x)).toBe(expected);
    const digest = new Uint8Array(32).fill(0xfb);
    digest[1] = 0xff;
    expect(keyIdFromDigest(digest)).toBe(Buffer.from(digest.subarray(0, 16)).toString('base64url'));
    expect(keyIdFromDigest(digest)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(keyIdFromDigest(digest)).toMatch(/-/);
    expect(keyIdFromDigest(digest)).toMatch(/_/);
  });

  it('differs between keys, and refuses what is not a raw Ed25519 key', async () => {
    const a = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x as string;
    const b = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x as string;
    expect(await keyIdOf(a)).not.toBe(await keyIdOf(b));
    await expect(keyIdOf('AAAA')).rejects.toThrow(/32 bytes/);
    await expect(keyIdOf('not base64url!')).rejects.toThrow(/base64url/);
    expect(() => keyIdFromDigest(new Uint8Array(16))).toThrow(/SHA-256/);
    expect(KeyIdSchema.safeParse('a'.repeat(21)).success).toBe(false);
    expect(KeyIdSchema.safeParse('a'.repeat(23)).success).toBe(false);
    expect(KeyIdSchema.safeParse('a'.repeat(21) + '+').success).toBe(false);
    expect(KeyIdSchema.safeParse('a').error?.issues[0]?.message).toBe('expected a 22-character base64url key id');
  });
});
