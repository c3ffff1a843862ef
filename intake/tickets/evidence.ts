import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Evidence of an appeal (申诉材料, issue 23): images or PDF, each at most EVIDENCE_MAX_BYTES,
 * its type told by its first bytes (never by the name or the declared type alone), kept under
 * its SHA-256. The appeal names the hashes, so the hash-chained action log fixes which files the
 * reviewer decided on; a file is never replaced (same bytes, same name) and is checked against
 * its name when read.
 */

export const EVIDENCE_MAX_BYTES = 5 * 1024 * 1024;
export const EVIDENCE_TYPES = ['image/png', 'image/jpeg', 'application/pdf'] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

// A file shorter than the signature has undefined where the signature goes on: no match.
const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/** The type a file's first bytes say it is: PNG, JPEG or PDF; null for anything else. */
export function sniffEvidence(bytes: Uint8Array): EvidenceType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  return null;
}

export type EvidenceCheck = { ok: true; type: EvidenceType } | { ok: false; code: 'empty' | 'too_large' | 'wrong_type'; message: string };

/** Whether these bytes may be kept as evidence, declared as `declared` (the upload's content type). */
export function checkEvidence(bytes: Uint8Array, declared: string | undefined): EvidenceCheck {
  if (bytes.length === 0) return { ok: false, code: 'empty', message: 'the evidence file is empty' };
  if (bytes.length > EVIDENCE_MAX_BYTES) return { ok: false, code: 'too_large', message: `evidence files are at most ${EVIDENCE_MAX_BYTES} bytes` };
  const type = sniffEvidence(bytes);
  if (type === null) return { ok: false, code: 'wrong_type', message: 'evidence is a PNG or JPEG image or a PDF; this file is none of them' };
  if (declared !== type) return { ok: false, code: 'wrong_type', message: `the file is ${type}, not ${declared ?? 'an undeclared type'} as sent` };
  return { ok: true, type };
}

const HASH = /^[0-9a-f]{64}$/;

/** Evidence files in a folder, each under its SHA-256. */
export function createEvidenceFiles(dir: string) {
  const fileOf = (sha256: string) => path.join(dir, sha256);
  return {
    /** Keeps checked bytes (written whole, then renamed into place) and gives their hash. */
    async put(bytes: Uint8Array): Promise<{ sha256: string; size: number }> {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const temporary = path.join(dir, `.${sha256}.${randomBytes(6).toString('hex')}`);
      await writeFile(temporary, bytes, { mode: 0o600 });
      await rename(temporary, fileOf(sha256));
      return { sha256, size: bytes.length };
    },
    /** Whether a file of this hash is kept. */
    async has(sha256: string): Promise<boolean> {
      if (!HASH.test(sha256)) return false;
      return stat(fileOf(sha256)).then(
        (s) => s.isFile(),
        () => false,
      );
    },
    /** The file of this hash, if it is kept and still matches it. */
    async read(sha256: string): Promise<{ bytes: Buffer; type: EvidenceType } | null> {
      if (!HASH.test(sha256)) return null;
      const bytes = await readFile(fileOf(sha256)).catch(() => null);
      if (!bytes || createHash('sha256').update(bytes).digest('hex') !== sha256) return null;
      const type = sniffEvidence(bytes);
      return type ? { bytes, type } : null;
    },
  };
}

export type EvidenceFiles = ReturnType<typeof createEvidenceFiles>;
