import { createHash } from 'node:crypto';
import smCrypto from 'sm-crypto';

/**
 * The 国密 algorithms provincial interfaces use, from the maintained `sm-crypto` library (never
 * written by hand here). Checked against the published vectors in gm.test.ts: GB/T 32905 (SM3),
 * GB/T 32907 (SM4), GB/T 32918 / GM/T 0003.5 (SM2 key pair).
 */
const { sm2, sm3, sm4 } = smCrypto;

/** SM3 digest of UTF-8 text or bytes, lower-case hex. */
export function sm3Hex(input: string | Uint8Array): string {
  return sm3(typeof input === 'string' ? input : Array.from(input));
}

/** The Fujian key: MD5(appSecret) as 32 hex digits is the 128-bit SM4 key. */
export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

export interface Sm4Options {
  /** ECB when absent; CBC needs a 16-byte iv in hex. */
  ivHex?: string;
  /** PKCS#7 unless 'none' (then the input must be whole 16-byte blocks). */
  padding?: 'pkcs#7' | 'none';
}

function sm4Mode(options: Sm4Options): { padding: 'pkcs#7' | 'none'; mode?: 'cbc'; iv?: string; output: 'array' } {
  return { padding: options.padding ?? 'pkcs#7', output: 'array', ...(options.ivHex ? { mode: 'cbc' as const, iv: options.ivHex } : {}) };
}

export function sm4Encrypt(plain: Uint8Array, keyHex: string, options: Sm4Options = {}): Uint8Array {
  return Uint8Array.from(sm4.encrypt(Array.from(plain), keyHex, sm4Mode(options)));
}

export function sm4Decrypt(cipher: Uint8Array, keyHex: string, options: Sm4Options = {}): Uint8Array {
  return Uint8Array.from(sm4.decrypt(Array.from(cipher), keyHex, sm4Mode(options)));
}

/** UTF-8 text → SM4 (ECB, PKCS#7) → base64: the Fujian body encoding. */
export function sm4EncryptTextBase64(text: string, keyHex: string): string {
  return Buffer.from(sm4Encrypt(Buffer.from(text, 'utf8'), keyHex)).toString('base64');
}

export function sm4DecryptBase64Text(base64: string, keyHex: string): string {
  return Buffer.from(sm4Decrypt(Buffer.from(base64, 'base64'), keyHex)).toString('utf8');
}

/** SM2 public-key encryption, C1C3C2 (cipher mode 1) as the Shandong interface takes it, hex without the 04 prefix. */
export function sm2Encrypt(text: string, publicKeyHex: string): string {
  return sm2.doEncrypt(text, publicKeyHex, 1);
}

/** Decrypts sm2Encrypt's output; '' when the key or cipher text is wrong (the library's answer). */
export function sm2Decrypt(cipherHex: string, privateKeyHex: string): string {
  try {
    return sm2.doDecrypt(cipherHex, privateKeyHex, 1);
  } catch {
    // The library throws on a cipher text that is no curve point (garbage from a client): the same '' as a wrong key.
    return '';
  }
}

/** SM2 signature with the SM3 hash of Z‖M (the standard's signing, user id 1234567812345678). */
export function sm2Sign(text: string, privateKeyHex: string): string {
  return sm2.doSignature(text, privateKeyHex, { hash: true, der: true });
}

export function sm2Verify(text: string, signatureHex: string, publicKeyHex: string): boolean {
  return sm2.doVerifySignature(text, signatureHex, publicKeyHex, { hash: true, der: true });
}

export function sm2PublicKeyOf(privateKeyHex: string): string {
  return (sm2 as unknown as { getPublicKeyFromPrivateKey(k: string): string }).getPublicKeyFromPrivateKey(privateKeyHex);
}

/** A new SM2 key pair (hex): for a mock province and tests; a real province hands out its public key. */
export function sm2KeyPair(): { privateKeyHex: string; publicKeyHex: string } {
  const pair = sm2.generateKeyPairHex();
  return { privateKeyHex: pair.privateKey, publicKeyHex: pair.publicKey };
}
