import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HallConfigSchema, type HallConfig } from '../contract/hallConfig';
import { ProvisionedTokensFileSchema } from '../contract/provisioning';
import { readHallConfig } from '../host/hallConfigFile';
import { startIntake, type RunningIntake } from '../intake/server';
import { readProvisionedTokens } from '../intake/devices/provisionedTokens';
import { newDeviceKey } from '../intake/testing/signedOutcomes';
import { provisionHall, windowFileName, type ProvisionResult } from './provisioning';
import { findCjkFont } from './windowPoster';

const demoFile = path.resolve(__dirname, '../kiosk-config/demo-hall.json');
const NOW = Date.parse('2026-11-23T02:00:00Z');
const DAY = 24 * 3600 * 1000;
const font = findCjkFont();

/** Decodes the QR image a poster SVG embeds, with a QR reader (jsQR), as a phone camera would. */
function decodePosterQr(svg: string): string | null {
  const base64 = /href="data:image\/png;base64,([^"]+)"/.exec(svg)?.[1];
  if (!base64) return null;
  const png = PNG.sync.read(Buffer.from(base64, 'base64'));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null;
}

describe.skipIf(!font)('npm run provision', () => {
  let hall: HallConfig;
  let outDir: string;
  let result: ProvisionResult;
  let firstTokensFile: Buffer;
  let n = 0;

  beforeAll(async () => {
    hall = readHallConfig(demoFile);
    outDir = mkdtempSync(path.join(tmpdir(), 'provision-'));
    result = await provisionHall(hall, { outDir, tokenTtlMs: 14 * DAY, font: font!, now: () => NOW, newToken: () => `provisioned-token-${++n}-${'x'.repeat(20)}` });
    firstTokensFile = readFileSync(result.tokensFile);
  });

  it('writes one bundle per device: a hall config with that device, its window and a fresh expiring token', () => {
    expect(result.bundles.map((b) => b.deviceId)).toEqual(['demo-pad-a01', 'demo-pad-a02']);
    for (const [i, bundle] of result.bundles.entries()) {
      const text = readFileSync(bundle.file, 'utf8');
      const own = HallConfigSchema.parse(JSON.parse(text));
      expect(own.devices).toHaveLength(1);
      expect(own.devices[0]).toMatchObject({ id: bundle.deviceId, enrolmentToken: `provisioned-token-${i + 1}-${'x'.repeat(20)}`, enrolmentTokenExpiresAt: '2026-12-07T02:00:00.000Z' });
      expect(own.windows.map((w) => w.no)).toEqual([bundle.windowNo]);
      expect(own.policies).toEqual(hall.policies);
      // Another device's secrets never travel in this device's bundle.
      for (const other of hall.devices.filter((d) => d.id !== bundle.deviceId)) expect(text).not.toContain(other.caseEventToken);
    }
  });

  it('writes one A4 poster per window, SVG and PDF, whose QR decodes to the window\'s rating page', () => {
    expect(result.posters.map((p) => p.windowNo)).toEqual(hall.windows.map((w) => w.no));
    for (const window of hall.windows) {
      const base = path.join(outDir, 'posters', windowFileName(window.no));
      const svg = readFileSync(`${base}.svg`, 'utf8');
      expect(svg).toContain('width="210mm" height="297mm"');
      expect(svg).toContain(window.name);
      expect(svg).toContain(hall.hall.name);
      expect(decodePosterQr(svg)).toBe(window.ratingUrl);
      const pdf = readFileSync(`${base}.pdf`).toString('latin1');
      expect(pdf.startsWith('%PDF-')).toBe(true);
      expect(pdf.match(/\/Type \/Page\b/g)).toHaveLength(1);
      expect(pdf).toContain('/MediaBox [0 0 595.28 841.89]');
      expect(pdf).toMatch(/\/Subtype \/Image/);
    }
  });

  it('gives the intake only hashes of the tokens, each bound to its device and hall', () => {
    const file = ProvisionedTokensFileSchema.parse(JSON.parse(readFileSync(result.tokensFile, 'utf8')));
    expect(file.tokens.map((t) => [t.deviceId, t.hallCode, t.purpose])).toEqual([
      ['demo-pad-a01', hall.hall.code, 'enrol'],
      ['demo-pad-a02', hall.hall.code, 'enrol'],
    ]);
    expect(readFileSync(result.tokensFile, 'utf8')).not.toContain('provisioned-token-');
  });

  it('refuses to write over earlier output unless told to, and re-provisions one device on request', async () => {
    await expect(provisionHall(hall, { outDir, tokenTtlMs: DAY, font: font! })).rejects.toThrow(/not empty.*--force/);
    const again = await provisionHall(hall, { outDir, tokenTtlMs: DAY, font: font!, force: true, deviceIds: ['demo-pad-a02'], rotate: true });
    expect(again.bundles.map((b) => b.deviceId)).toEqual(['demo-pad-a02']);
    // Re-provisioning an enrolled device: its new token replaces its key, and says so.
    expect(ProvisionedTokensFileSchema.parse(JSON.parse(readFileSync(again.tokensFile, 'utf8'))).tokens.map((t) => t.purpose)).toEqual(['rotate']);
    expect(again.posters.map((p) => p.windowNo)).toEqual(['A02']);
    await expect(provisionHall(hall, { outDir, tokenTtlMs: DAY, font: font!, force: true, deviceIds: ['nope'] })).rejects.toThrow(/nope/);
  });

  describe('enrolment with a provisioned token', () => {
    let intake: RunningIntake;
    let clock = NOW;
    beforeAll(async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'provision-intake-'));
      const tokensFile = path.join(dir, 'tokens.json');
      writeFileSync(tokensFile, firstTokensFile);
      intake = await startIntake({ dbFile: path.join(dir, 'i.sqlite'), port: 0, corsOrigins: [], enrolmentTokens: readProvisionedTokens(tokensFile), now: () => clock, log: () => undefined });
    });
    afterAll(() => intake.close());

    const tokenOf = (deviceId: string) => HallConfigSchema.parse(JSON.parse(readFileSync(path.join(outDir, 'devices', deviceId, 'hall.json'), 'utf8'))).devices[0]!.enrolmentToken!;
    const enrol = (enrolmentToken: string, deviceId: string) =>
      intake.app.inject({ method: 'POST', url: '/v1/devices', payload: { enrolmentToken, deviceId, publicKey: newDeviceKey().x } });

    it('enrols once; the same token again is rejected, as is a token used by another device or after expiry', async () => {
      expect((await enrol('provisioned-token-1-' + 'x'.repeat(20), 'demo-pad-a01')).statusCode).toBe(201);
      const reuse = await enrol('provisioned-token-1-' + 'x'.repeat(20), 'demo-pad-a01');
      expect([reuse.statusCode, reuse.json().error.code]).toEqual([409, 'token_used']);
      // demo-pad-a02 was re-provisioned above: its first token is still at the intake until it expires.
      const stolen = await enrol('provisioned-token-2-' + 'x'.repeat(20), 'demo-pad-a01');
      expect([stolen.statusCode, stolen.json().error.code]).toEqual([401, 'token_for_other_device']);
      clock = NOW + 15 * DAY;
      const late = await enrol('provisioned-token-2-' + 'x'.repeat(20), 'demo-pad-a02');
      expect([late.statusCode, late.json().error.code]).toEqual([401, 'token_expired']);
      expect(tokenOf('demo-pad-a02')).not.toBe('provisioned-token-2-' + 'x'.repeat(20));
    });
  });
});
