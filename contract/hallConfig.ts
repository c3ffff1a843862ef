import { z } from 'zod';

/**
 * A hall's kiosk configuration: the hall, its windows, the devices at them and the rating
 * policies. One file per hall in kiosk-config/; each device runs with the entry that names it.
 */
export const ChannelSchema = z.enum(['hall-pad', 'hall-terminal', 'qr-code', 'pc', 'mobile']);
export type Channel = z.infer<typeof ChannelSchema>;

export const DeviceKindSchema = z.enum(['pad', 'monitor', 'serial', 'hid']);

/** zh-CN is the default; ug (Uyghur) is written right to left; bo is Tibetan. */
export const LanguageSchema = z.enum(['zh-CN', 'zh-TW', 'en', 'ug', 'bo']);
export type Language = z.infer<typeof LanguageSchema>;

/** How outcomes map to the province's intake fields (intake/provinceProfiles.ts). */
export const ProvinceProfileNameSchema = z.enum(['anhui', 'zhejiang']);
export type ProvinceProfileName = z.infer<typeof ProvinceProfileNameSchema>;

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');

/** When the device flags an outcome as unusual (contract/outcome.ts AnomalyFlagSchema). */
export const AnomalyPolicySchema = z
  .object({
    /** A level pressed sooner than this after the rating screen showed is flagged fast-press. */
    fastPressMs: z.number().int().min(0).max(10_000).default(700),
    /** This many ratings within burstWindowSec make a run (for the login and shift-end flags). */
    burstCount: z.number().int().min(2).max(100).default(3),
    burstWindowSec: z.number().int().min(5).max(3600).default(120),
    /** A run that starts within this many minutes of a staff login is flagged burst-after-login. */
    afterLoginMin: z.number().int().min(1).max(240).default(10),
    /** Local end of the working day (HH:MM) and the minutes before it where a run is flagged. */
    shiftEnd: clockTime.default('17:30'),
    beforeShiftEndMin: z.number().int().min(1).max(240).default(15),
  })
  .strict();
export type AnomalyPolicy = z.infer<typeof AnomalyPolicySchema>;

/** 适老化: larger targets and text, high contrast, a confirm/undo step before 非常不满意, spoken prompts. */
export const ElderlyPolicySchema = z
  .object({
    /** off: never; offer: a toggle on the idle and rating screens (reset after each citizen); always: on for everyone. */
    mode: z.enum(['off', 'offer', 'always']).default('offer'),
    /** How prompts are spoken in elderly mode: bundled clips (speech where a language has none), the Web Speech API, or not at all. */
    voice: z.enum(['clips', 'speech', 'off']).default('clips'),
  })
  .strict();
export type ElderlyPolicy = z.infer<typeof ElderlyPolicySchema>;

export const PoliciesSchema = z
  .object({
    /** Seconds the rating screen waits for a press before the invitation ends as unrated. */
    inviteTimeoutSec: z.number().int().min(10).max(600).default(60),
    /** Seconds of inactivity on the 差评 details screen before the chosen level is recorded as is. */
    detailsTimeoutSec: z.number().int().min(15).max(600).default(120),
    thanksSec: z.number().int().min(1).max(30).default(4),
    /** Seconds the thanks screen stays while it shows the case QR (issue 24): long enough to take out a phone and scan; 完成 ends it sooner. */
    caseQrSec: z
      .number()
      .int()
      .min(10)
      .max(180)
      .default(45)
      .describe('Seconds the thanks screen stays up while it shows the case QR for rating on the phone, unless the citizen taps 完成 (Done) first, or the next invitation waits (then 10 s after the QR showed)'),
    /**
     * 一事一评 on every 办结 (issue 24): a 办结 invitation's rating screen shows the case QR beside
     * the five levels, to rate there now or later on the citizen's phone (services taken home).
     */
    caseQrOnEveryClose: z
      .boolean()
      .default(false)
      .describe("Whether a 办结 (closed) invitation's rating screen shows the case QR beside the five levels: rate here now, or scan to rate on the phone within the link's working days (needs an intake; a press here is the rating)"),
    /** Minutes after its case event that an invitation nobody was shown yet ends as expired instead of being put to a later citizen. */
    invitationExpiryMin: z
      .number()
      .int()
      .min(5)
      .max(1440)
      .default(120)
      .describe('Minutes after its case event that an invitation nobody was shown yet ends as expired (recorded and synced) instead of being put to a later citizen'),
    /** Seconds between a device's signed heartbeats to the intake (contract/heartbeat.ts). */
    heartbeatIntervalSec: z.number().int().min(15).max(3600).default(60).describe("Seconds between a device's signed heartbeats to the intake (chain head, queue, storage, version, rating device)"),
    questionSetVersion: z.string().min(1).max(32).default('national-2023'),
    /** Whether a citizen may rate without a case invitation (each such outcome is flagged free-rating). */
    allowFreeRating: z.boolean().default(false).describe('Whether a citizen may rate without a case invitation (each such outcome is flagged free-rating)'),
    /** Local time (HH:MM) at which a paired staff member is signed out for the day. */
    staffPairing: z
      .enum(['pairing-code', 'login-event', 'both'])
      .default('both')
      .describe('How staff sign in at a device: its pairing code confirmed at the intake, a login event from the window business system, or either'),
    staffLogoutAt: clockTime.default('20:00').describe('Local time (HH:MM) at which a paired staff member is signed out for the day'),
    anomalies: AnomalyPolicySchema.default(AnomalyPolicySchema.parse({})),
    elderly: ElderlyPolicySchema.default(ElderlyPolicySchema.parse({})),
  })
  .strict();
export type Policies = z.infer<typeof PoliciesSchema>;

/** A service item (事项) handled at a window, as the province's item catalogue names it. */
export const WindowItemSchema = z
  .object({
    taskCode: z.string().regex(/^[A-Za-z0-9_-]{1,24}$/, 'expected 1–24 letters, digits, "-" or "_"'),
    taskName: z.string().min(1).max(200),
  })
  .strict();

export const WindowSchema = z
  .object({
    no: z.string().min(1).max(16),
    name: z.string().min(1).max(50),
    deptName: z.string().min(1).max(100).optional(),
    deptCode: z.string().regex(/^[0-9A-Z]{18}$/, 'expected an 18-character unified social credit code').optional().describe('The department\'s 18-character unified social credit code'),
    items: z.array(WindowItemSchema).max(500).optional().describe('Service items (事项) handled at this window'),
    /** The window's online rating page, shown as a QR code on the idle screen and the poster; the intake's own page by default. */
    ratingUrl: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict();

/** A button evaluator on a serial line (docs/serial-protocol.md) attached to this device. */
export const SerialAttachmentSchema = z
  .object({
    /** Fixed port, e.g. /dev/ttyUSB0 or COM3; or find it by USB ids. */
    path: z.string().min(1).optional(),
    vendorId: z.string().regex(/^[0-9a-fA-F]{4}$/).optional(),
    productId: z.string().regex(/^[0-9a-fA-F]{4}$/).optional(),
    baudRate: z.number().int().positive().default(9600),
    /** A named vendor map (host/device/ratingDevice.ts) or value → level pairs. */
    valueMap: z.union([z.enum(['open', 'zero-based-5', 'four-key']), z.record(z.string().regex(/^\d{1,3}$/), z.literal([1, 2, 3, 4, 5]))]).default('open'),
  })
  .strict()
  .refine((s) => s.path !== undefined || (s.vendorId !== undefined && s.productId !== undefined), {
    message: 'give a path, or both vendorId and productId',
  });
export type SerialAttachment = z.infer<typeof SerialAttachmentSchema>;

export const DeviceSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{3,64}$/, 'expected 3–64 letters, digits, "-" or "_"'),
    windowNo: z.string().min(1).max(16),
    kind: DeviceKindSchema,
    channel: ChannelSchema.default('hall-pad'),
    /** Shared secret the window business system presents when posting case events (to the host, or to the intake for a host-less tablet). */
    caseEventToken: z.string().min(16, 'use at least 16 characters').max(256).optional(),
    /** A tablet with no host on a window PC: it talks to the intake alone, and its bundle carries no case-event token. */
    hostless: z.boolean().optional().describe('A pad or monitor that runs with no host (a tablet talking to the intake alone): its bundle carries no case-event token, no host port'),
    serial: SerialAttachmentSchema.optional(),
    /** Keyboard-wedge (HID) evaluators: which key means which level; default keys 1–5. */
    hidKeys: z.record(z.string().min(1).max(20), z.literal([1, 2, 3, 4, 5])).optional(),
    /** Loopback port the device's host listens on for case events and the rating screen. */
    hostPort: z.number().int().min(1).max(65535).optional().describe('Loopback port of the device\'s host (case events, rating screen); 8787 when absent'),
    /** Single-use token with which the device enrols its key at the intake on first boot. */
    enrolmentToken: z.string().min(16, 'use at least 16 characters').max(256).optional().describe('Written by npm run provision: single-use token the device enrols its key with'),
    /** When the enrolment token stops being accepted (ISO time, written by provisioning). */
    enrolmentTokenExpiresAt: z.iso.datetime({ offset: true }).optional().describe('Written by npm run provision: when the enrolment token stops being accepted'),
    /** This device's own admin PIN hash: it replaces the hall's for this device, and its bundle carries only it. */
    adminPinHash: z
      .string()
      .regex(/^scrypt\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, 'expected the output of npm run pin-hash')
      .optional()
      .describe("This device's own admin PIN hash (npm run pin-hash): replaces the hall's adminPinHash for this device; its bundle carries only this one"),
  })
  .strict()
  .refine((d) => d.kind !== 'serial' || d.serial !== undefined, {
    message: 'a serial device needs a "serial" attachment (its port)',
    path: ['serial'],
  })
  .refine((d) => !d.hostless || d.kind === 'pad' || d.kind === 'monitor', {
    message: 'only a pad or a monitor can run without a host',
    path: ['hostless'],
  })
  .refine((d) => !d.hostless || (d.hostPort === undefined && d.serial === undefined && d.hidKeys === undefined), {
    message: 'a host-less device has no host port, serial attachment or HID keys',
    path: ['hostless'],
  })
  // A host-less tablet without a token still rates freely; every host needs one for its case events.
  .refine((d) => d.hostless === true || d.caseEventToken !== undefined, {
    message: 'a device with a host needs a caseEventToken (the window business system posts case events with it)',
    path: ['caseEventToken'],
  });

/** Where outcomes are synced to, and how. */
export const IntakeSettingsSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    /** Outcomes per upload; the intake caps it at BATCH_MAX_ITEMS. */
    batchSize: z.number().int().min(1).max(500).default(500),
    /** Seconds between sync attempts when nothing else triggers one. */
    syncIntervalSec: z.number().int().min(5).max(3600).default(30),
    /** The intake's address as citizens' phones reach it (window QR codes, posters); `url` when absent. */
    publicUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** The intake's X25519 key that callback phone numbers are sealed to (base64url); else fetched at enrolment. */
    sealingPublicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected a base64url X25519 public key').optional(),
  })
  .strict();
export type IntakeSettings = z.infer<typeof IntakeSettingsSchema>;

export const HallConfigSchema = z
  .object({
    /** Editors' pointer to kiosk-config/hall.schema.json; ignored by the device. */
    $schema: z.string().optional(),
    hall: z
      .object({
        code: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
        name: z.string().min(1).max(100),
        regionCode: z.string().regex(/^(\d{6}|\d{12})$/, 'expected 6 or 12 digits'),
        timeZone: z
          .string()
          .refine((zone) => isTimeZone(zone), { message: 'expected an IANA time zone such as Asia/Shanghai' })
          .default('Asia/Shanghai'),
        provinceProfile: ProvinceProfileNameSchema.optional().describe('How the intake maps outcomes to the province\'s fields and codes'),
      })
      .strict(),
    languages: z.array(LanguageSchema).min(1).default(['zh-CN', 'en']),
    /** scrypt hash of the admin PIN (`npm run pin-hash -- <PIN>`); without it the admin panel stays shut. */
    adminPinHash: z.string().regex(/^scrypt\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, 'expected the output of npm run pin-hash').optional(),
    intake: IntakeSettingsSchema.optional(),
    windows: z.array(WindowSchema).min(1),
    devices: z.array(DeviceSchema).min(1),
    policies: PoliciesSchema.default(PoliciesSchema.parse({})),
  })
  .strict()
  .superRefine((hall, ctx) => {
    const windowNos = new Set(hall.windows.map((w) => w.no));
    hall.devices.forEach((device, i) => {
      if (!windowNos.has(device.windowNo)) {
        ctx.addIssue({ code: 'custom', path: ['devices', i, 'windowNo'], message: `no window numbered "${device.windowNo}"` });
      }
    });
    const seen = new Set<string>();
    hall.devices.forEach((device, i) => {
      if (seen.has(device.id)) ctx.addIssue({ code: 'custom', path: ['devices', i, 'id'], message: `duplicate device id "${device.id}"` });
      seen.add(device.id);
    });
    const seenWindows = new Set<string>();
    hall.windows.forEach((window, i) => {
      if (seenWindows.has(window.no)) ctx.addIssue({ code: 'custom', path: ['windows', i, 'no'], message: `duplicate window number "${window.no}"` });
      seenWindows.add(window.no);
    });
  });

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
export type HallConfig = z.infer<typeof HallConfigSchema>;

/** What one device needs to know about where it stands: sent by the host to the renderer. */
export const DeviceContextSchema = z
  .object({
    /** timeZone: the hall's IANA zone, in which rating times are written (absent in contexts cached before it was sent). */
    hall: z.object({ code: z.string(), name: z.string(), regionCode: z.string(), timeZone: z.string().optional() }).strict(),
    window: WindowSchema,
    device: z
      .object({
        id: z.string(),
        kind: DeviceKindSchema,
        channel: ChannelSchema,
        hidKeys: z.record(z.string(), z.literal([1, 2, 3, 4, 5])).optional(),
      })
      .strict(),
    languages: z.array(LanguageSchema).min(1),
    policies: PoliciesSchema,
    intake: IntakeSettingsSchema.extend({ enrolmentToken: z.string().optional(), enrolmentTokenExpiresAt: z.string().optional() }).strict().optional(),
  })
  .strict();
export type DeviceContext = z.infer<typeof DeviceContextSchema>;

/** Parses a hall config (or a device bundle) from its JSON text; every problem comes with its path. */
export function parseHallConfig(text: string): { ok: true; hall: HallConfig } | { ok: false; problems: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [error instanceof Error ? error.message : String(error)] };
  }
  const parsed = HallConfigSchema.safeParse(raw);
  if (parsed.success) return { ok: true, hall: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`) };
}

/**
 * A window's rating page: its own `ratingUrl`, else the intake's window page (`/w/<hall>/<window>`
 * on the intake's public address, issue 24); none without either.
 */
export function windowRatingUrl(hall: { hall: Pick<HallConfig['hall'], 'code'>; intake?: Pick<IntakeSettings, 'url' | 'publicUrl'> | undefined }, window: Pick<HallConfig['windows'][number], 'no' | 'ratingUrl'>): string | undefined {
  if (window.ratingUrl) return window.ratingUrl;
  const base = hall.intake?.publicUrl ?? hall.intake?.url;
  return base ? new URL(`/w/${encodeURIComponent(hall.hall.code)}/${encodeURIComponent(window.no)}`, base).href : undefined;
}

export function deviceContextFor(hall: HallConfig, deviceId: string): DeviceContext {
  const device = hall.devices.find((d) => d.id === deviceId);
  if (!device) throw new Error(`device "${deviceId}" is not in hall "${hall.hall.code}"`);
  const window = hall.windows.find((w) => w.no === device.windowNo);
  if (!window) throw new Error(`device "${deviceId}" names missing window "${device.windowNo}"`);
  const ratingUrl = windowRatingUrl(hall, window);
  return {
    hall: { code: hall.hall.code, name: hall.hall.name, regionCode: hall.hall.regionCode, timeZone: hall.hall.timeZone },
    window: { ...window, ...(ratingUrl ? { ratingUrl } : {}) },
    device: { id: device.id, kind: device.kind, channel: device.channel, ...(device.hidKeys ? { hidKeys: device.hidKeys } : {}) },
    languages: hall.languages,
    policies: hall.policies,
    ...(hall.intake
      ? {
          intake: {
            ...hall.intake,
            ...(device.enrolmentToken ? { enrolmentToken: device.enrolmentToken } : {}),
            ...(device.enrolmentTokenExpiresAt ? { enrolmentTokenExpiresAt: device.enrolmentTokenExpiresAt } : {}),
          },
        }
      : {}),
  };
}
