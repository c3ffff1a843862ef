import { scryptSync } from 'node:crypto';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashPin } from '../shared-node/adminPin';
import { createPersistentPinGate, FAILURE_DECAY_MS, loadPinHash } from './adminPinGate';

/** A hash as npm run pin-hash writes it, with a chosen cost. */
function hashWithN(pin: string, N: number): string {
  const salt = Buffer.alloc(16, 7);
  const hash = scryptSync(pin, salt, 32, { N, maxmem: 256 * N * 8 });
  return `scrypt$${N}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

const STORED = hashPin('2468');
const stateFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'pin-')), 'admin-pin-lockout.json');

describe('admin PIN gate of the host', { timeout: 60_000 }, () => {
  it('keeps its lockout across a restart: a new gate on the same file gives no fresh tries', async () => {
    const file = stateFile();
    let clock = 1_000_000;
    const first = createPersistentPinGate({ stored: STORED, file, now: () => clock });
    for (let i = 0; i < 2; i++) expect(await first.attempt('1111')).toMatchObject({ ok: false, reason: 'wrong', retryAfterMs: 0 });
    expect(await first.attempt('1111')).toMatchObject({ ok: false, reason: 'wrong', retryAfterMs: 30_000, failures: 3 });
    expect(statSync(file).mode & 0o777).toBe(0o600);

    clock += 1000;
    const restarted = createPersistentPinGate({ stored: STORED, file, now: () => clock });
    expect(await restarted.attempt('2468')).toMatchObject({ ok: false, reason: 'locked', retryAfterMs: 29_000 });
    clock += 30_000;
    expect(await restarted.attempt('1111')).toMatchObject({ ok: false, reason: 'wrong', retryAfterMs: 60_000, failures: 4 });
    clock += 60_000;
    expect(await restarted.attempt('2468')).toEqual({ ok: true });
    // A success clears it, on disk too.
    const again = createPersistentPinGate({ stored: STORED, file, now: () => clock });
    expect(await again.attempt('1111')).toMatchObject({ ok: false, reason: 'wrong', retryAfterMs: 0, failures: 1 });
  });

  it('checks attempts sent together one after another, so none passes the lock unseen', async () => {
    const gate = createPersistentPinGate({ stored: STORED, now: () => 1_000_000 });
    const results = await Promise.all(['1111', '1112', '1113', '1114', '2468'].map((pin) => gate.attempt(pin)));
    expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual(['wrong', 'wrong', 'wrong', 'locked', 'locked']);
  });

  it('forgets failures in quiet periods, so old tries do not lock staff out', async () => {
    let clock = 1_000_000;
    const gate = createPersistentPinGate({ stored: STORED, file: stateFile(), now: () => clock });
    for (let i = 0; i < 3; i++) await gate.attempt('1111'); // locked for 30 s
    clock += 2 * FAILURE_DECAY_MS; // two failures forgotten: the next wrong PIN is the second, no lock
    expect(await gate.attempt('1111')).toMatchObject({ ok: false, reason: 'wrong', retryAfterMs: 0, failures: 2 });
  });

  it('does not lock longer than the failures warrant when the clock was set back', async () => {
    let clock = 10_000_000;
    const file = stateFile();
    const gate = createPersistentPinGate({ stored: STORED, file, now: () => clock });
    for (let i = 0; i < 4; i++) await gate.attempt('1111');
    clock -= 5 * 60 * 60 * 1000;
    const result = await createPersistentPinGate({ stored: STORED, file, now: () => clock }).attempt('2468');
    expect(result).toMatchObject({ ok: false, reason: 'locked' });
    expect(result.ok === false && result.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('treats an unreadable lockout file as locked, not as fresh tries', async () => {
    const file = stateFile();
    writeFileSync(file, '{ torn');
    const logs: string[] = [];
    expect(await createPersistentPinGate({ stored: STORED, file, log: (m) => logs.push(m) }).attempt('2468')).toMatchObject({ ok: false, reason: 'locked' });
    expect(logs[0]).toMatch(/unreadable/);
  });

  it('checks hashes of a higher cost (N = 32768 and 65536 made every PIN fail)', async () => {
    for (const N of [32_768, 65_536]) {
      const gate = createPersistentPinGate({ stored: hashWithN('135790', N) });
      expect(await gate.attempt('135790')).toEqual({ ok: true });
      expect(await gate.attempt('135791')).toMatchObject({ ok: false, reason: 'wrong' });
    }
  });

  it('refuses at load a hash it cannot check, saying why', () => {
    const salt = Buffer.alloc(16, 1).toString('base64');
    const hash = Buffer.alloc(32, 2).toString('base64');
    expect(() => loadPinHash(`scrypt$1000$${salt}$${hash}`)).toThrow(/power of two from 16384 to 1048576, got 1000/);
    expect(() => loadPinHash(`scrypt$1024$${salt}$${hash}`)).toThrow(/got 1024/);
    expect(() => loadPinHash(`scrypt$${2 ** 21}$${salt}$${hash}`)).toThrow(/got 2097152/);
    expect(() => loadPinHash(`scrypt$16384$${Buffer.alloc(4).toString('base64')}$${hash}`)).toThrow(/salt has 4 bytes/);
    expect(() => loadPinHash('bcrypt$x')).toThrow(/npm run pin-hash/);
    expect(loadPinHash(STORED).N).toBe(16384);
  });
});
