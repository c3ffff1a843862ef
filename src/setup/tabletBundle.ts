import { deviceContextFor, parseHallConfig, type DeviceContext } from '../../contract/hallConfig';

/** Device kinds a tablet can be on its own: serial and HID evaluators need a host to reach them. */
const TABLET_KINDS = new Set(['pad', 'monitor']);

/**
 * What is wrong with a bundle, for the setup screen to say in the operator's language: the three
 * a tablet has of its own by key, and the schema's own findings (field path: message) as they are.
 */
export type BundleProblem =
  | { key: 'noIntake' }
  | { key: 'needsHost'; devices: string }
  | { key: 'noToken'; device: string }
  | { key: 'otherDevice'; device: string; hall: string; devices: string }
  | { key: 'schema'; text: string };

export type TabletBundle = { ok: true; contexts: DeviceContext[]; adminPinHash?: string } | { ok: false; problems: BundleProblem[] };

/**
 * Reads a device bundle from `npm run provision` (a hall config narrowed to one device) for a
 * tablet that has no host: every problem is listed, and only devices a tablet can be are offered.
 */
export function readTabletBundle(text: string): TabletBundle {
  const parsed = parseHallConfig(text);
  if (!parsed.ok) return { ok: false, problems: parsed.problems.map((problem) => ({ key: 'schema', text: problem })) };
  const { hall } = parsed;
  const problems: BundleProblem[] = [];
  if (!hall.intake) problems.push({ key: 'noIntake' });
  const devices = hall.devices.filter((device) => TABLET_KINDS.has(device.kind));
  if (devices.length === 0) problems.push({ key: 'needsHost', devices: hall.devices.map((d) => `${d.id} (${d.kind})`).join(', ') });
  for (const device of devices) {
    if (!device.enrolmentToken) problems.push({ key: 'noToken', device: device.id });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, contexts: devices.map((device) => deviceContextFor(hall, device.id)), ...(hall.adminPinHash ? { adminPinHash: hall.adminPinHash } : {}) };
}

/** A new bundle for the device a tablet already is: what changes, and whether its key is replaced. */
export type Reprovision = { ok: true; context: DeviceContext; adminPinHash?: string; rotatesKey: boolean } | { ok: false; problems: BundleProblem[] };

/**
 * Reads a bundle loaded again on a tablet that is already set up (its admin panel): it must be for
 * this same device of this same hall, so the outbox, the chain and the staff session carry over.
 * Becoming another device is a reset, never a re-provision. A bundle with another enrolment token
 * (`npm run provision -- --rotate`) replaces the device key; the same token keeps it.
 */
export function readReprovisionBundle(text: string, current: DeviceContext): Reprovision {
  const bundle = readTabletBundle(text);
  if (!bundle.ok) return bundle;
  const context = bundle.contexts.find((c) => c.device.id === current.device.id && c.hall.code === current.hall.code);
  if (!context) {
    return { ok: false, problems: [{ key: 'otherDevice', device: current.device.id, hall: current.hall.code, devices: bundle.contexts.map((c) => `${c.device.id} (${c.hall.code})`).join(', ') }] };
  }
  const rotatesKey = context.intake?.enrolmentToken !== current.intake?.enrolmentToken;
  return { ok: true, context, rotatesKey, ...(bundle.adminPinHash ? { adminPinHash: bundle.adminPinHash } : {}) };
}
