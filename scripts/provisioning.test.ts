import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HallConfigSchema, type HallConfig } from '../contract/hallConfig';
import { CaseEventTokensFileSchema, ProvisionedTokensFileSchema } from '../contract/provisioning';
import { readHallConfig } from '../host/hallConfigFile';
import { startIntake, type RunningIntake } from '../intake/server';
import { readProvisionedTokens } from '../intake/devices/provisionedTokens';
import { newDeviceKey } from '../intake/testing/signedOutcomes';
import { modeWarnings, provisionHall, windowFileName, type ProvisionResult } from './provisioning';
import { hashPin } from '../shared-node/adminPin';
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

  it('gives the intake the hashes of the screens\' case-event tokens, for host-less tablets (issue 21)', () => {
    const file = CaseEventTokensFileSchema.parse(JSON.parse(readFileSync(result.caseEventTokensFile, 'utf8')));
    const screens = hall.devices.filter((d) => d.kind === 'pad' || d.kind === 'monitor');
    expect(file.hallCode).toBe(hall.hall.code);
    expect(file.tokens).toEqual(screens.map((d) => ({ deviceId: d.id, tokenSha256: createHash('sha256').update(d.caseEventToken!).digest('hex') })));
    const text = readFileSync(result.caseEventTokensFile, 'utf8');
    for (const d of hall.devices) expect(text).not.toContain(d.caseEventToken!);
    expect(statSync(result.caseEventTokensFile).mode & 0o777).toBe(0o600);
  });

  it('refuses to write over earlier output unless told to, and re-provisions one device on request', async () => {
    await expect(provisionHall(hall, { outDir, tokenTtlMs: DAY, font: font! })).rejects.toThrow(/not empty.*--force/);
    const again = await provisionHall(hall, { outDir, tokenTtlMs: DAY, font: font!, force: true, deviceIds: ['demo-pad-a02'], rotate: true });
    expect(again.bundles.map((b) => b.deviceId)).toEqual(['demo-pad-a02']);
    // Re-provisioning an enrolled device: its new token replaces its key, and says so; the other
    // device's token stays in the file (it was dropped, stranding that device's bundle).
    expect(ProvisionedTokensFileSchema.parse(JSON.parse(readFileSync(again.tokensFile, 'utf8'))).tokens.map((t) => [t.deviceId, t.purpose])).toEqual([
      ['demo-pad-a01', 'enrol'],
      ['demo-pad-a02', 'rotate'],
    ]);
    const manifest = JSON.parse(readFileSync(path.join(outDir, 'manifest.json'), 'utf8')) as { bundles: Array<{ deviceId: string; file: string }>; posters: Array<{ windowNo: string }> };
    expect(manifest.bundles.map((b) => [b.deviceId, b.file])).toEqual([
      ['demo-pad-a01', 'devices/demo-pad-a01/hall.json'],
      ['demo-pad-a02', 'devices/demo-pad-a02/hall.json'],
    ]);
    expect(manifest.posters.map((p) => p.windowNo)).toEqual(hall.windows.map((w) => w.no));
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

describe.skipIf(!font)('provisioning never strands a token (issue 19)', { timeout: 60_000 }, () => {
  const hall = () => readHallConfig(demoFile);
  let n = 0;
  const options = (outDir: string, extra: Partial<Parameters<typeof provisionHall>[1]> = {}) => ({
    outDir,
    tokenTtlMs: 14 * DAY,
    font: font!,
    now: () => NOW,
    newToken: () => `minted-token-${++n}-${'y'.repeat(20)}`,
    ...extra,
  });
  const bundleToken = (outDir: string, deviceId: string) => HallConfigSchema.parse(JSON.parse(readFileSync(path.join(outDir, 'devices', deviceId, 'hall.json'), 'utf8'))).devices[0]!.enrolmentToken;
  const listing = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();

  it('a failing poster writes nothing: no bundle, and the earlier output stays as it was', async () => {
    const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'provision-fail-')), 'out');
    await expect(provisionHall(hall(), options(outDir, { writePoster: () => { throw new Error('disk full'); } }))).rejects.toThrow('disk full');
    expect(existsSync(outDir)).toBe(false);
    expect(readdirSync(path.dirname(outDir))).toEqual([]);

    await provisionHall(hall(), options(outDir));
    const before = listing(outDir).map((f) => [f, statSync(path.join(outDir, f)).isFile() ? readFileSync(path.join(outDir, f), 'utf8') : '']);
    await expect(provisionHall(hall(), options(outDir, { force: true, rotate: true, writePoster: () => { throw new Error('disk full'); } }))).rejects.toThrow('disk full');
    expect(listing(outDir).map((f) => [f, statSync(path.join(outDir, f)).isFile() ? readFileSync(path.join(outDir, f), 'utf8') : ''])).toEqual(before);
    expect(readdirSync(path.dirname(outDir))).toEqual(['out']);
  });

  it('a settings-only re-provision mints no token: every device keeps its own; a new device gets one', async () => {
    const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'provision-keep-')), 'out');
    const first = await provisionHall(hall(), options(outDir));
    expect(first.minted.map((m) => m.deviceId)).toEqual(['demo-pad-a01', 'demo-pad-a02']);
    const tokens = { a01: bundleToken(outDir, 'demo-pad-a01'), a02: bundleToken(outDir, 'demo-pad-a02') };
    const tokensFile = readFileSync(first.tokensFile, 'utf8');

    const changed = hall();
    changed.policies = { ...changed.policies, thanksSec: changed.policies.thanksSec + 1 };
    const again = await provisionHall(changed, options(outDir, { force: true }));
    expect(again.minted).toEqual([]);
    expect([bundleToken(outDir, 'demo-pad-a01'), bundleToken(outDir, 'demo-pad-a02')]).toEqual([tokens.a01, tokens.a02]);
    expect(JSON.parse(readFileSync(again.tokensFile, 'utf8')).tokens).toEqual(JSON.parse(tokensFile).tokens);
    expect(HallConfigSchema.parse(JSON.parse(readFileSync(path.join(outDir, 'devices', 'demo-pad-a01', 'hall.json'), 'utf8'))).policies.thanksSec).toBe(changed.policies.thanksSec);

    const grown = hall();
    grown.devices = [...grown.devices, { ...grown.devices[0]!, id: 'demo-pad-a01b', caseEventToken: 'another-case-event-token-for-a01b-000' }];
    const withNew = await provisionHall(grown, options(outDir, { force: true }));
    expect(withNew.minted).toEqual([{ deviceId: 'demo-pad-a01b', purpose: 'enrol' }]);
    expect(bundleToken(outDir, 'demo-pad-a01')).toBe(tokens.a01);
    // --rotate mints for every selected device.
    const rotated = await provisionHall(grown, options(outDir, { force: true, rotate: true, deviceIds: ['demo-pad-a01'] }));
    expect(rotated.minted).toEqual([{ deviceId: 'demo-pad-a01', purpose: 'rotate' }]);
    expect(bundleToken(outDir, 'demo-pad-a01')).not.toBe(tokens.a01);
    expect(bundleToken(outDir, 'demo-pad-a02')).toBe(tokens.a02);
  });

  it('a device with its own admin PIN hash ships only that one; the others the hall\'s', async () => {
    const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'provision-pin-')), 'out');
    const own = hall();
    const hallHash = own.adminPinHash!;
    const deviceHash = hashPin('80461357');
    own.devices = own.devices.map((d) => (d.id === 'demo-pad-a02' ? { ...d, adminPinHash: deviceHash } : d));
    await provisionHall(own, options(outDir));
    const text = (id: string) => readFileSync(path.join(outDir, 'devices', id, 'hall.json'), 'utf8');
    expect(HallConfigSchema.parse(JSON.parse(text('demo-pad-a02'))).adminPinHash).toBe(deviceHash);
    expect(text('demo-pad-a02')).not.toContain(hallHash);
    expect(HallConfigSchema.parse(JSON.parse(text('demo-pad-a01'))).adminPinHash).toBe(hallHash);
    expect(text('demo-pad-a01')).not.toContain(deviceHash);
  });

  // Issue 19: a tablet's bundle carried the case-event token its host would need, though no host reads it.
  it('a host-less tablet\'s bundle carries no case-event token; a hosted PAD\'s carries its own; the intake gets both hashes', async () => {
    const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'provision-hostless-')), 'out');
    const own = hall();
    own.devices = own.devices.map(({ hostPort, ...d }) => (d.id === 'demo-pad-a02' ? { ...d, hostless: true } : { ...d, hostPort }));
    const [hosted, tablet] = own.devices;
    const result = await provisionHall(own, options(outDir));
    const bundle = (id: string) => HallConfigSchema.parse(JSON.parse(readFileSync(path.join(outDir, 'devices', id, 'hall.json'), 'utf8'))).devices[0]!;
    expect(bundle('demo-pad-a02')).toMatchObject({ id: 'demo-pad-a02', hostless: true });
    expect(bundle('demo-pad-a02').caseEventToken).toBeUndefined();
    expect(readFileSync(path.join(outDir, 'devices', 'demo-pad-a02', 'hall.json'), 'utf8')).not.toContain(tablet!.caseEventToken!);
    expect(bundle('demo-pad-a01').caseEventToken).toBe(hosted!.caseEventToken);
    const file = CaseEventTokensFileSchema.parse(JSON.parse(readFileSync(result.caseEventTokensFile, 'utf8')));
    expect(file.tokens.map((t) => t.deviceId)).toEqual(['demo-pad-a01', 'demo-pad-a02']);
  });

  it('a host-less tablet may have no case-event token (free rating only); every device with a host needs one', () => {
    const devices = hall().devices;
    const { caseEventToken: _token, hostPort: _port, ...tokenless } = devices[0]!;
    expect(HallConfigSchema.safeParse({ ...hall(), devices: [{ ...tokenless, hostless: true }] }).success).toBe(true);
    const hosted = HallConfigSchema.safeParse({ ...hall(), devices: [tokenless] });
    expect(hosted.success ? [] : hosted.error.issues.map((i) => i.path.join('.'))).toEqual(['devices.0.caseEventToken']);
    const serialHostless = HallConfigSchema.safeParse({ ...hall(), devices: [{ ...tokenless, hostless: true, hostPort: 8787 }] });
    expect(serialHostless.success ? [] : serialHostless.error.issues.map((i) => i.message)).toEqual(['a host-less device has no host port, serial attachment or HID keys']);
  });

  it('writes every file and folder owner-only, also ones an earlier run left readable', async () => {
    const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'provision-modes-')), 'out');
    await provisionHall(hall(), options(outDir));
    chmodSync(path.join(outDir, 'devices', 'demo-pad-a01', 'hall.json'), 0o644);
    chmodSync(path.join(outDir, 'devices', 'demo-pad-a01'), 0o755);
    const result = await provisionHall(hall(), options(outDir, { force: true, deviceIds: ['demo-pad-a02'] }));
    expect(result.warnings).toEqual([]);
    const loose = [outDir, ...listing(outDir).map((f) => path.join(outDir, f))].filter((f) => (statSync(f).mode & 0o777) !== (statSync(f).isDirectory() ? 0o700 : 0o600));
    expect(loose).toEqual([]);
    // Where the filesystem does not keep the modes (as a FAT stick shows every file 0644), it says so.
    chmodSync(path.join(outDir, 'devices', 'demo-pad-a02', 'hall.json'), 0o644);
    expect(modeWarnings(outDir, '/media/usb/demo')).toEqual([expect.stringMatching(/^the filesystem of \/media\/usb\/demo does not keep owner-only modes \(1 file\(s\) and folder\(s\) readable by others, e\.g\. \/media\/usb\/demo\/devices\/demo-pad-a02\/hall\.json\)/)]);
  });
});
