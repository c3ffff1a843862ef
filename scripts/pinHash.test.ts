import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parsePinHash } from '../contract/pinLockout';
import { verifyPinAsync } from '../shared-node/adminPin';

function pinHash(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/pinHash.ts', ...args], { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

// Issue 19: the script wrote N = 2^14 hashes of 4-digit PINs, which a taken tablet's bundle gives
// up to an offline search in minutes.
describe('npm run pin-hash', { timeout: 60_000 }, () => {
  it('refuses a PIN under 8 digits, and anything but digits, writing nothing on stdout', async () => {
    for (const pin of ['2468', '1234567', '12345678a', '1234567890123']) {
      const run = await pinHash(pin);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/a PIN is 8 to 12 digits/);
    }
  });

  it('hashes a PIN at N = 2^17 by default, says what an offline search costs, and the hash checks', { timeout: 60_000 }, async () => {
    const run = await pinHash('4081726354');
    expect(run.code).toBe(0);
    const hash = run.stdout.trim();
    expect(parsePinHash(hash)?.N).toBe(2 ** 17);
    expect(run.stderr).toMatch(/^scrypt N=2\^17: \d+\.\d\d s a guess here; an offline search of 10-digit PINs takes about [\d,]+ (years|days)/);
    expect(await verifyPinAsync('4081726354', hash)).toBe(true);
    expect(await verifyPinAsync('4081726355', hash)).toBe(false);
  });

  it('takes another cost within 2^14–2^20 only', async () => {
    const cheaper = await pinHash('--cost', '14', '40817263');
    expect(parsePinHash(cheaper.stdout.trim())?.N).toBe(2 ** 14);
    for (const cost of ['13', '21', '16.5', 'x']) expect((await pinHash('--cost', cost, '40817263')).code).toBe(2);
  });

  it('hashes a staff password at the online cost, 2^14', async () => {
    const run = await pinHash('--password', 'a long staff password');
    expect(parsePinHash(run.stdout.trim())?.N).toBe(2 ** 14);
    expect(await verifyPinAsync('a long staff password', run.stdout.trim())).toBe(true);
    expect((await pinHash('--password', 'short')).code).toBe(2);
  });
});
