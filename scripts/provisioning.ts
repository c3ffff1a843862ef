import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HallConfigSchema, windowRatingUrl, type HallConfig } from '../contract/hallConfig';
import { ProvisionedTokensFileSchema, type CaseEventTokensFile, type ProvisionedToken, type ProvisionedTokensFile } from '../contract/provisioning';
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
   * Mint rotation tokens for the selected devices: they replace the keys of devices already
   * enrolled at the intake. Without it, a device provisioned here before keeps its token (and so
   * its key), and only a device with no token yet gets a fresh enrolment token.
   */
  rotate?: boolean;
  now?: () => number;
  newToken?: () => string;
  /** Written before the output is moved into place (tests make it fail). */
  writePoster?: (file: string, content: Buffer | string) => void;
}

export interface ProvisionResult {
  bundles: Array<{ deviceId: string; windowNo: string; file: string; enrolmentTokenExpiresAt: string }>;
  posters: Array<{ windowNo: string; svg: string; pdf: string; ratingUrl: string }>;
  tokensFile: string;
  caseEventTokensFile: string;
  /** Devices given a new token in this run (the rest kept theirs). */
  minted: Array<{ deviceId: string; purpose: 'enrol' | 'rotate' }>;
  /** Where the target filesystem did not keep owner-only modes (e.g. a FAT USB stick). */
  warnings: string[];
}

const TOKENS_FILE = 'intake-enrolment-tokens.json';
/** The hashes of the screens' case-event tokens, for an intake that takes host-less tablets' case events. */
const CASE_EVENT_TOKENS_FILE = 'intake-case-event-tokens.json';
const MANIFEST_FILE = 'manifest.json';
const OWNER_FILE = 0o600;
const OWNER_DIR = 0o700;

export const BUNDLE_FILE = 'hall.json';

/** File-system safe form of a window number ("A01", "1", "综合-3"). */
export function windowFileName(windowNo: string): string {
  return `window-${windowNo.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/**
 * A device's bundle is a hall config of its own: the hall, its one window, itself with a fresh
 * single-use enrolment token, and the policies. Other devices' case-event tokens stay out of it,
 * and so does the hall's admin PIN hash when the device has its own. A host-less tablet's bundle
 * carries no case-event token at all: the business system posts to the intake, never to the tablet.
 */
export function deviceBundle(hall: HallConfig, deviceId: string, token: string, expiresAt: string): HallConfig {
  const device = hall.devices.find((d) => d.id === deviceId);
  if (!device) throw new Error(`device "${deviceId}" is not in hall "${hall.hall.code}"`);
  const window = hall.windows.filter((w) => w.no === device.windowNo);
  const { $schema: _schema, adminPinHash: hallPinHash, ...rest } = hall;
  const { adminPinHash: ownPinHash, caseEventToken, ...own } = device;
  // A device with its own PIN hash ships only that one: a stolen tablet gives up its own PIN, not the hall's.
  const pinHash = ownPinHash ?? hallPinHash;
  return HallConfigSchema.parse({ ...rest, ...(pinHash ? { adminPinHash: pinHash } : {}), windows: window, devices: [{ ...own, ...(caseEventToken !== undefined && !device.hostless ? { caseEventToken } : {}), enrolmentToken: token, enrolmentTokenExpiresAt: expiresAt }] });
}

/** What an earlier run left in the output folder: its tokens file, manifest and bundle tokens. */
interface Earlier {
  tokens: ProvisionedToken[];
  manifest: { bundles: ProvisionResult['bundles']; posters: ProvisionResult['posters'] } | null;
  /** A device's plaintext token and expiry, read from its bundle, when the tokens file still lists it. */
  tokenOf(deviceId: string): { token: string; expiresAt: string } | null;
}

function readEarlier(outDir: string, hall: HallConfig): Earlier {
  const tokensPath = path.join(outDir, TOKENS_FILE);
  let tokens: ProvisionedToken[] = [];
  if (existsSync(tokensPath)) {
    const parsed = ProvisionedTokensFileSchema.safeParse(JSON.parse(readFileSync(tokensPath, 'utf8')));
    if (!parsed.success) throw new Error(`${tokensPath} is not a tokens file: fix or remove it before re-provisioning`);
    if (parsed.data.hallCode !== hall.hall.code) throw new Error(`${outDir} holds hall ${parsed.data.hallCode}, not ${hall.hall.code}`);
    tokens = parsed.data.tokens;
  }
  const manifestPath = path.join(outDir, MANIFEST_FILE);
  const manifest = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as Earlier['manifest']) : null;
  return {
    tokens,
    manifest,
    tokenOf(deviceId) {
      const file = path.join(outDir, 'devices', deviceId, BUNDLE_FILE);
      if (!existsSync(file)) return null;
      const device = HallConfigSchema.safeParse(JSON.parse(readFileSync(file, 'utf8'))).data?.devices[0];
      if (!device?.enrolmentToken || !device.enrolmentTokenExpiresAt) return null;
      const listed = tokens.some((t) => t.deviceId === deviceId && t.tokenSha256 === hashToken(device.enrolmentToken as string));
      return listed ? { token: device.enrolmentToken, expiresAt: device.enrolmentTokenExpiresAt } : null;
    },
  };
}

/**
 * Validated hall in, per-device bundles, per-window posters and the intake's token list out —
 * all or nothing: everything is written to a staging folder beside the output (owner-only files
 * and folders) and moved into place only once all of it is written, so a failure leaves the
 * earlier output as it was and no bundle whose token the tokens file does not know. A partial run
 * (deviceIds) merges into the earlier tokens file and manifest; tokens are minted only for devices
 * that have none yet, or all selected ones with `rotate`.
 */
export async function provisionHall(hall: HallConfig, options: ProvisionOptions): Promise<ProvisionResult> {
  const now = options.now ?? Date.now;
  const newToken = options.newToken ?? (() => randomBytes(24).toString('base64url'));
  const known = new Set(hall.devices.map((d) => d.id));
  const unknown = (options.deviceIds ?? []).filter((id) => !known.has(id));
  if (unknown.length > 0) throw new Error(`not in hall "${hall.hall.code}": ${unknown.join(', ')}`);
  const devices = options.deviceIds ? hall.devices.filter((d) => options.deviceIds?.includes(d.id)) : hall.devices;
  const outDir = path.resolve(options.outDir);
  const hasEarlier = existsSync(outDir) && readdirSync(outDir).length > 0;
  if (hasEarlier && !options.force) {
    throw new Error(`${options.outDir} is not empty: pass --force to write new bundles over it (earlier tokens stay valid at the intake until they expire)`);
  }
  const earlier: Earlier = hasEarlier ? readEarlier(outDir, hall) : { tokens: [], manifest: null, tokenOf: () => null };

  // Staging beside the output, on the same filesystem, so the final move is a rename.
  mkdirSync(path.dirname(outDir), { recursive: true });
  const staging = `${outDir}.staging-${randomUUID()}`;
  const finalPath = (file: string) => path.join(options.outDir, path.relative(staging, file));
  const writeOwnerOnly = (file: string, content: Buffer | string) => {
    mkdirSync(path.dirname(file), { recursive: true, mode: OWNER_DIR });
    writeFileSync(file, content, { mode: OWNER_FILE });
    chmodSync(file, OWNER_FILE); // mode applies only to a new file, and the umask may narrow it
  };
  try {
    // A partial run starts from what is there: other devices' bundles and posters stay.
    if (hasEarlier && options.deviceIds) cpSync(outDir, staging, { recursive: true });
    mkdirSync(staging, { recursive: true, mode: OWNER_DIR });

    const generatedAt = new Date(now()).toISOString();
    const freshExpiry = new Date(now() + options.tokenTtlMs).toISOString();
    const result: ProvisionResult = {
      bundles: [],
      posters: [],
      tokensFile: path.join(options.outDir, TOKENS_FILE),
      caseEventTokensFile: path.join(options.outDir, CASE_EVENT_TOKENS_FILE),
      minted: [],
      warnings: [],
    };
    const selected = new Set(devices.map((d) => d.id));
    // Entries of devices not in this run are kept; a selected device keeps its entry unless it gets a new token.
    // Devices no longer in the hall lose their entries (a full run rewrites every bundle).
    const tokenEntries = earlier.tokens.filter((t) => known.has(t.deviceId) && (!selected.has(t.deviceId) || (!options.rotate && earlier.tokenOf(t.deviceId) !== null)));

    for (const device of devices) {
      const kept = options.rotate ? null : earlier.tokenOf(device.id);
      const token = kept?.token ?? newToken();
      const expiresAt = kept?.expiresAt ?? freshExpiry;
      if (!kept) {
        const purpose = options.rotate ? 'rotate' : 'enrol';
        tokenEntries.push({ tokenSha256: hashToken(token), deviceId: device.id, hallCode: hall.hall.code, purpose, expiresAt });
        result.minted.push({ deviceId: device.id, purpose });
      }
      const file = path.join(staging, 'devices', device.id, BUNDLE_FILE);
      // Owner-only: the bundle holds the device's case-event and enrolment tokens.
      writeOwnerOnly(file, `${JSON.stringify(deviceBundle(hall, device.id, token, expiresAt), null, 2)}\n`);
      result.bundles.push({ deviceId: device.id, windowNo: device.windowNo, file: finalPath(file), enrolmentTokenExpiresAt: expiresAt });
    }

    const windows = hall.windows.filter((w) => devices.some((d) => d.windowNo === w.no) || !options.deviceIds);
    const writePoster = options.writePoster ?? writeOwnerOnly;
    for (const window of windows) {
      // The window's own page, else the intake's window page (issue 24); no poster without either.
      const ratingUrl = windowRatingUrl(hall, window);
      if (!ratingUrl) continue;
      const content = {
        hallName: hall.hall.name,
        windowNo: window.no,
        windowName: window.name,
        ...(window.deptName ? { deptName: window.deptName } : {}),
        ratingUrl,
      };
      const qr = await posterQrPng(ratingUrl);
      const base = path.join(staging, 'posters', windowFileName(window.no));
      mkdirSync(path.dirname(base), { recursive: true, mode: OWNER_DIR });
      writePoster(`${base}.svg`, posterSvg(content, qr));
      writePoster(`${base}.pdf`, await posterPdf(content, qr, options.font));
      result.posters.push({ windowNo: window.no, svg: finalPath(`${base}.svg`), pdf: finalPath(`${base}.pdf`), ratingUrl });
    }

    const tokens: ProvisionedTokensFile = { hallCode: hall.hall.code, generatedAt, tokens: tokenEntries };
    writeOwnerOnly(path.join(staging, TOKENS_FILE), `${JSON.stringify(tokens, null, 2)}\n`);
    // Every screen of the hall (a partial run too: the hall config holds them all), hashes only.
    const caseEventTokens: CaseEventTokensFile = {
      hallCode: hall.hall.code,
      generatedAt,
      tokens: hall.devices.flatMap((d) => ((d.kind === 'pad' || d.kind === 'monitor') && d.caseEventToken !== undefined ? [{ deviceId: d.id, tokenSha256: hashToken(d.caseEventToken) }] : [])),
    };
    writeOwnerOnly(path.join(staging, CASE_EVENT_TOKENS_FILE), `${JSON.stringify(caseEventTokens, null, 2)}\n`);
    // The manifest lists every bundle and poster in the folder: earlier ones of a partial run too.
    const relative = (file: string) => (path.isAbsolute(file) || file.startsWith(options.outDir) ? path.relative(options.outDir, file) : file);
    const kept = options.deviceIds ? earlier.manifest : null;
    const byDevice = new Map((kept?.bundles ?? []).filter((b) => known.has(b.deviceId)).map((b) => [b.deviceId, b]));
    for (const b of result.bundles) byDevice.set(b.deviceId, b);
    const byWindow = new Map((kept?.posters ?? []).map((p) => [p.windowNo, p]));
    for (const p of result.posters) byWindow.set(p.windowNo, p);
    const manifest = {
      hallCode: hall.hall.code,
      generatedAt,
      bundles: [...byDevice.values()].map((b) => ({ ...b, file: relative(b.file) })),
      posters: [...byWindow.values()].map((p) => ({ ...p, svg: relative(p.svg), pdf: relative(p.pdf) })),
    };
    writeOwnerOnly(path.join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    tightenModes(staging);
    result.warnings.push(...modeWarnings(staging, options.outDir));

    // Everything is written: swap it into place.
    const previous = `${outDir}.previous-${randomUUID()}`;
    if (existsSync(outDir)) renameSync(outDir, previous);
    renameSync(staging, outDir);
    rmSync(previous, { recursive: true, force: true });
    return result;
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Every folder 0700 and file 0600, also the ones copied from an earlier run. */
function tightenModes(dir: string): void {
  chmodSync(dir, OWNER_DIR);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) tightenModes(full);
    else chmodSync(full, OWNER_FILE);
  }
}

/** Files and folders whose mode the filesystem did not keep (FAT, exFAT, some network shares). */
export function modeWarnings(dir: string, shownAs: string): string[] {
  const loose: string[] = [];
  const walk = (at: string) => {
    const isDir = statSync(at).isDirectory();
    if ((statSync(at).mode & 0o077) !== 0) loose.push(path.join(shownAs, path.relative(dir, at)));
    if (isDir) for (const name of readdirSync(at)) walk(path.join(at, name));
  };
  walk(dir);
  if (loose.length === 0 || process.platform === 'win32') return [];
  return [
    `the filesystem of ${shownAs} does not keep owner-only modes (${loose.length} file(s) and folder(s) readable by others, e.g. ${loose[0]}): the bundles hold device secrets; keep this medium locked away and move each folder to its device only`,
  ];
}
