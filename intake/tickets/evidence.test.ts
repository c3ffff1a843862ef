import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkEvidence, createEvidenceFiles, EVIDENCE_MAX_BYTES, sniffEvidence } from './evidence';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 9]);
const PDF = Buffer.from('%PDF-1.7\n%%EOF\n');

describe('evidence types by their first bytes', () => {
  it('knows PNG, JPEG and PDF and nothing else', () => {
    expect(sniffEvidence(PNG)).toBe('image/png');
    expect(sniffEvidence(JPEG)).toBe('image/jpeg');
    expect(sniffEvidence(PDF)).toBe('application/pdf');
    expect(sniffEvidence(Buffer.from('GIF89a'))).toBeNull();
    expect(sniffEvidence(Buffer.from('<html>'))).toBeNull();
    // A file shorter than the signature, or one byte off, is not that type.
    expect(sniffEvidence(PNG.subarray(0, 7))).toBeNull();
    expect(sniffEvidence(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0b]))).toBeNull();
    expect(sniffEvidence(Buffer.from([0xff, 0xd8]))).toBeNull();
    expect(sniffEvidence(Buffer.from('%PDF'))).toBeNull();
  });

  it('refuses an empty file, one over the size limit, one of another type, and one declared as what it is not', () => {
    expect(checkEvidence(PDF, 'application/pdf')).toEqual({ ok: true, type: 'application/pdf' });
    expect(checkEvidence(Buffer.alloc(0), 'image/png')).toEqual({ ok: false, code: 'empty', message: 'the evidence file is empty' });
    const big = Buffer.concat([PNG, Buffer.alloc(EVIDENCE_MAX_BYTES - PNG.length + 1)]);
    expect(checkEvidence(big, 'image/png')).toEqual({ ok: false, code: 'too_large', message: 'evidence files are at most 5242880 bytes' });
    expect(checkEvidence(big.subarray(0, EVIDENCE_MAX_BYTES), 'image/png')).toEqual({ ok: true, type: 'image/png' });
    expect(checkEvidence(Buffer.from('MZ\x90\x00'), 'application/pdf')).toMatchObject({ ok: false, code: 'wrong_type', message: expect.stringMatching(/none of them/) });
    expect(checkEvidence(PNG, 'application/pdf')).toMatchObject({ ok: false, code: 'wrong_type', message: 'the file is image/png, not application/pdf as sent' });
    expect(checkEvidence(PNG, undefined)).toEqual({ ok: false, code: 'wrong_type', message: 'the file is image/png, not an undeclared type as sent' });
  });
});

describe('evidence files', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps a file under its SHA-256, gives it back checked, and the same bytes twice are one file', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'evidence-'));
    const files = createEvidenceFiles(path.join(dir, 'e'));
    const sha = createHash('sha256').update(PDF).digest('hex');
    expect(await files.has(sha)).toBe(false);
    expect(await files.put(PDF)).toEqual({ sha256: sha, size: PDF.length });
    expect(await files.put(PDF)).toEqual({ sha256: sha, size: PDF.length });
    expect(readdirSync(path.join(dir, 'e'))).toEqual([sha]);
    expect(await files.has(sha)).toBe(true);
    expect(await files.read(sha)).toEqual({ bytes: PDF, type: 'application/pdf' });
    expect(await files.has('../e')).toBe(false);
    expect(await files.read('../../etc/passwd')).toBeNull();
  });

  it('keeps its files for the owner only, and answers only for names that are a whole SHA-256', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'evidence-'));
    const files = createEvidenceFiles(path.join(dir, 'e'));
    const { sha256 } = await files.put(PNG);
    expect(statSync(path.join(dir, 'e', sha256)).mode & 0o777).toBe(0o600);
    // Files that exist but are not named by a bare hash are never found through it.
    writeFileSync(path.join(dir, 'outside'), PNG);
    writeFileSync(path.join(dir, 'e', `x${sha256}`), PNG);
    writeFileSync(path.join(dir, 'e', `${sha256}x`), PNG);
    expect(await files.has('../outside')).toBe(false);
    expect(await files.has(`x${sha256}`)).toBe(false);
    expect(await files.has(`${sha256}x`)).toBe(false);
    expect(await files.read(`x${sha256}`)).toBeNull();
  });

  it('gives back nothing for a file altered on disk', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'evidence-'));
    const files = createEvidenceFiles(dir);
    const { sha256 } = await files.put(PNG);
    writeFileSync(path.join(dir, sha256), Buffer.concat([PNG, Buffer.from([0])]));
    expect(await files.read(sha256)).toBeNull();
    expect(await files.read('0'.repeat(64))).toBeNull();
  });
});
