import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HallConfigSchema, type HallConfig } from '../contract/hallConfig';
import type { ProvisionedTokensFile } from '../contract/provisioning';
import { hashToken } from '../intake/devices/deviceAuth';
import { posterPdf, posterQrPng, posterSvg } from './windowPoster';

export interface ProvisionOptions {
  outDir: string;
  /** How long an enrolment token is accepted. */
  tokenTtlMs: number;
  /** Font for the PDF posters (must cover the hall's Chinese names). */
  font: { file: string; face?: string };
  /** Only these devices (re-provisioning a replaced or rotated device); all when omitted. */
  deviceIds?: string[];
  /** Write into a directory that already has files (earlier bundles are replaced). */
  force?: boolean;
  /**
   * The tokens replace the keys of devices already enrolled at the intake (re-provisioning an
   * enrolled device); without it they enrol devices the intake does not know yet.
   */
  rotate?: boolean;
  now?: () => number;
  newToken?: () => string;
}

export interface ProvisionResult {
  bundles: Array<{ deviceId: string; windowNo: string; file: string; enrolmentTokenExpiresAt: string }>;
  posters: Array<{ windowNo: string; svg: string; pdf: string; ratingUrl: string }>;
  tokensFile: string;
}

export const BUNDLE_FILE = 'hall.json';

/** File-system safe form of a window number ("A01", "1", "综合-3"). */
export function windowFileName(windowNo: string): string {
  return `window-${windowNo.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/**
 * A device's bundle is a hall config of its own: the hall, its one window, itself with a fresh
 * single-use enrolment token, and the policies. Other devices' case-event tokens stay out of it.
 */
export function deviceBundle(hall: HallConfig, deviceId: string, token: string, expiresAt: string): HallConfig {
  const device = hall.devices.find((d) => d.id === deviceId);
  if (!device) throw new Error(`device "${deviceId}" is not in hall "${hall.hall.code}"`);
  const window = hall.windows.filter((w) => w.no === device.windowNo);
  const { $schema: _schema, ...rest } = hall;
  return HallConfigSchema.parse({ ...rest, windows: window, devices: [{ ...device, enrolmentToken: token, enrolmentTokenExpiresAt: expiresAt }] });
}

/** Validated hall in, per-device bundles, per-window posters and the intake's token list out. */
export async function provisionHall(hall: HallConfig, options: ProvisionOptions): Promise<ProvisionResult> {
  const now = options.now ?? Date.now;
  const newToken = options.newToken ?? (() => randomBytes(24).toString('base64url'));
  const known = new Set(hall.devices.map((d) => d.id));
  const unknown = (options.deviceIds ?? []).filter((id) => !known.has(id));
  if (unknown.length > 0) throw new Error(`not in hall "${hall.hall.code}": ${unknown.join(', ')}`);
  const devices = options.deviceIds ? hall.devices.filter((d) => options.deviceIds?.includes(d.id)) : hall.devices;
  if (existsSync(options.outDir) && readdirSync(options.outDir).length > 0 && !options.force) {
    throw new Error(`${options.outDir} is not empty: pass --force to write new bundles over it (earlier tokens stay valid at the intake until they expire)`);
  }

  const generatedAt = new Date(now()).toISOString();
  const expiresAt = new Date(now() + options.tokenTtlMs).toISOString();
  const tokens: ProvisionedTokensFile = { hallCode: hall.hall.code, generatedAt, tokens: [] };
  const result: ProvisionResult = { bundles: [], posters: [], tokensFile: path.join(options.outDir, 'intake-enrolment-tokens.json') };

  for (const device of devices) {
    const token = newToken();
    const dir = path.join(options.outDir, 'devices', device.id);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, BUNDLE_FILE);
    // Owner-only: the bundle holds the device's case-event and enrolment tokens.
    writeFileSync(file, `${JSON.stringify(deviceBundle(hall, device.id, token, expiresAt), null, 2)}\n`, { mode: 0o600 });
    tokens.tokens.push({ tokenSha256: hashToken(token), deviceId: device.id, hallCode: hall.hall.code, purpose: options.rotate ? 'rotate' : 'enrol', expiresAt });
    result.bundles.push({ deviceId: device.id, windowNo: device.windowNo, file, enrolmentTokenExpiresAt: expiresAt });
  }

  const windows = hall.windows.filter((w) => devices.some((d) => d.windowNo === w.no) || !options.deviceIds);
  mkdirSync(path.join(options.outDir, 'posters'), { recursive: true });
  for (const window of windows) {
    const content = {
      hallName: hall.hall.name,
      windowNo: window.no,
      windowName: window.name,
      ...(window.deptName ? { deptName: window.deptName } : {}),
      ratingUrl: window.ratingUrl,
    };
    const qr = await posterQrPng(window.ratingUrl);
    const base = path.join(options.outDir, 'posters', windowFileName(window.no));
    writeFileSync(`${base}.svg`, posterSvg(content, qr));
    writeFileSync(`${base}.pdf`, await posterPdf(content, qr, options.font));
    result.posters.push({ windowNo: window.no, svg: `${base}.svg`, pdf: `${base}.pdf`, ratingUrl: window.ratingUrl });
  }

  writeFileSync(result.tokensFile, `${JSON.stringify(tokens, null, 2)}\n`);
  writeFileSync(
    path.join(options.outDir, 'manifest.json'),
    `${JSON.stringify({ hallCode: hall.hall.code, generatedAt, bundles: result.bundles, posters: result.posters }, (key, value: unknown) => (key === 'file' || key === 'svg' || key === 'pdf' ? path.relative(options.outDir, String(value)) : value), 2)}\n`,
  );
  return result;
}
