import { describe, expect, it } from 'vitest';
import { md5Hex, sm2Decrypt, sm2Encrypt, sm2KeyPair, sm2PublicKeyOf, sm2Sign, sm2Verify, sm3Hex, sm4Decrypt, sm4DecryptBase64Text, sm4Encrypt, sm4EncryptTextBase64 } from './gm';

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('国密 vectors', () => {
  it('SM3 matches GB/T 32905 example 1 ("abc") and example 2 ("abcd" × 16)', () => {
    expect(sm3Hex('abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    expect(sm3Hex('abcd'.repeat(16))).toBe('debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
  });

  it('SM4 matches GB/T 32907 appendix A example 1 (ECB, one block) and decrypts back', () => {
    const key = '0123456789abcdeffedcba9876543210';
    const cipher = sm4Encrypt(hex(key), key, { padding: 'none' });
    expect(toHex(cipher)).toBe('681edf34d206965e86b3e94f536e4246');
    expect(toHex(sm4Decrypt(cipher, key, { padding: 'none' }))).toBe(key);
  });

  it('SM4 CBC: the first block is ECB of plain XOR iv, the second chains on it, and decrypts back', () => {
    const key = '0123456789abcdeffedcba9876543210';
    const iv = '000102030405060708090a0b0c0d0e0f';
    const plain = hex(key + key);
    const cipher = sm4Encrypt(plain, key, { ivHex: iv, padding: 'none' });
    const xor = (a: Uint8Array, b: Uint8Array): Uint8Array => a.map((v, i) => v ^ b[i]!);
    const block1 = sm4Encrypt(xor(hex(key), hex(iv)), key, { padding: 'none' });
    const block2 = sm4Encrypt(xor(hex(key), block1), key, { padding: 'none' });
    expect(toHex(cipher)).toBe(toHex(block1) + toHex(block2));
    expect(toHex(sm4Decrypt(cipher, key, { ivHex: iv, padding: 'none' }))).toBe(key + key);
    // A different iv gives a different first block.
    expect(toHex(sm4Encrypt(plain, key, { ivHex: '00'.repeat(16), padding: 'none' }))).not.toBe(toHex(cipher));
  });

  it('SM4 text with PKCS#7 padding round-trips through base64 under the MD5(appSecret) key', () => {
    const key = md5Hex('secret');
    expect(key).toBe('5ebe2294ecd0e0f08eab7690d2a6ee69');
    const body = '<Case><projectNo>P1</projectNo><alternate>5</alternate><name>张三</name></Case>';
    const b64 = sm4EncryptTextBase64(body, key);
    expect(Buffer.from(b64, 'base64').length % 16).toBe(0);
    expect(sm4DecryptBase64Text(b64, key)).toBe(body);
  });

  // GM/T 0003.5 example key pair on the recommended curve.
  const privateKey = '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8';
  const publicKey =
    '04' + '09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020' + 'ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13';

  it('SM2: the published key pair, encrypt → decrypt, sign → verify, and a wrong key or message fails', () => {
    expect(sm2PublicKeyOf(privateKey)).toBe(publicKey);
    const text = '20261122100509appMarkappWord';
    const cipher = sm2Encrypt(text, publicKey);
    expect(cipher).not.toContain(Buffer.from(text).toString('hex'));
    expect(sm2Decrypt(cipher, privateKey)).toBe(text);
    const otherPrivate = '1'.repeat(64);
    expect(sm2Decrypt(cipher, otherPrivate)).not.toBe(text);
    const signature = sm2Sign('message digest', privateKey);
    expect(sm2Verify('message digest', signature, publicKey)).toBe(true);
    expect(sm2Verify('message digesT', signature, publicKey)).toBe(false);
    expect(sm2Verify('message digest', signature, sm2PublicKeyOf(otherPrivate))).toBe(false);
  });
});

describe('sm2Decrypt on input from outside', () => {
  it('answers "" for a cipher text that is no curve point, as for a wrong key, instead of throwing', () => {
    const pair = sm2KeyPair();
    expect(sm2Decrypt(sm2Encrypt('abc', pair.publicKeyHex), pair.privateKeyHex)).toBe('abc');
    expect(sm2Decrypt('00', pair.privateKeyHex)).toBe('');
    expect(sm2Decrypt(sm2Encrypt('abc', pair.publicKeyHex), sm2KeyPair().privateKeyHex)).toBe('');
  });
});
