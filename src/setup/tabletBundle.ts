import { deviceContextFor, parseHallConfig, type DeviceContext } from '../../contract/hallConfig';

/** Device kinds a tablet can be on its own: serial and HID evaluators need a host to reach them. */
const TABLET_KINDS = new Set(['pad', 'monitor']);

export type TabletBundle = { ok: true; contexts: DeviceContext[]; adminPinHash?: string } | { ok: false; problems: string[] };

/**
 * Reads a device bundle from `npm run provision` (a hall config narrowed to one device) for a
 * tablet that has no host: every problem is listed, and only devices a tablet can be are offered.
 */
export function readTabletBundle(text: string): TabletBundle {
  const parsed = parseHallConfig(text);
  if (!parsed.ok) return parsed;
  const { hall } = parsed;
  const problems: string[] = [];
  if (!hall.intake) problems.push('intake: a tablet takes its invitations from the intake, and this bundle names none');
  const devices = hall.devices.filter((device) => TABLET_KINDS.has(device.kind));
  if (devices.length === 0) {
    const others = hall.devices.map((d) => `${d.id} (${d.kind})`).join(', ');
    problems.push(`devices: no pad or monitor to be${others ? `; ${others} need a host` : ''}`);
  }
  for (const device of devices) {
    if (!device.enrolmentToken) problems.push(`devices.${hall.devices.indexOf(device)}.enrolmentToken: missing, so the tablet could not enrol: load the bundle npm run provision wrote for it`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, contexts: devices.map((device) => deviceContextFor(hall, device.id)), ...(hall.adminPinHash ? { adminPinHash: hall.adminPinHash } : {}) };
}
