import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHallConfig, type HallConfig } from '../../contract/hallConfig';
import { deviceBundle } from '../../scripts/provisioning';
import { readReprovisionBundle, readTabletBundle } from './tabletBundle';

const xihu = (() => {
  const parsed = parseHallConfig(readFileSync('kiosk-config/xihu-hall.json', 'utf8'));
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.hall;
})();
const TOKEN = 'tablet-enrolment-token-0001';
const bundleText = (deviceId: string, change: (hall: HallConfig) => unknown = (h) => h) =>
  JSON.stringify(change(deviceBundle(xihu, deviceId, TOKEN, '2026-12-01T00:00:00+08:00')));

describe('reading a device bundle on a tablet', () => {
  it('gives the context of the pad the bundle was made for, with its enrolment token', () => {
    const read = readTabletBundle(bundleText('xihu-pad-01'));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.contexts).toHaveLength(1);
    expect(read.contexts[0]).toMatchObject({ device: { id: 'xihu-pad-01', kind: 'pad' }, hall: { code: xihu.hall.code }, intake: { url: xihu.intake?.url, enrolmentToken: TOKEN } });
  });

  it('lists every problem: not JSON, schema errors with paths, no intake, a serial device, no token', () => {
    expect(readTabletBundle('{"hall": ')).toMatchObject({ ok: false, problems: [{ key: 'schema', text: expect.stringContaining('JSON') }] });
    const schema = readTabletBundle(bundleText('xihu-pad-01', (h) => ({ ...h, hall: { ...h.hall, timeZone: 'Mars/Olympus' }, windows: [] })));
    expect(schema.ok).toBe(false);
    if (!schema.ok) {
      expect(schema.problems.some((p) => p.key === 'schema' && p.text.startsWith('hall.timeZone: '))).toBe(true);
      expect(schema.problems.length).toBeGreaterThanOrEqual(2);
    }
    expect(readTabletBundle(bundleText('xihu-pad-01', ({ intake: _intake, ...h }) => h))).toEqual({
      ok: false,
      problems: [{ key: 'noIntake' }],
    });
    expect(readTabletBundle(bundleText('xihu-serial-02'))).toEqual({ ok: false, problems: [{ key: 'needsHost', devices: 'xihu-serial-02 (serial)' }] });
    const noToken = readTabletBundle(
      bundleText('xihu-monitor-02', (h) => ({ ...h, devices: h.devices.map(({ enrolmentToken: _t, enrolmentTokenExpiresAt: _e, ...d }) => d) })),
    );
    expect(noToken).toMatchObject({ ok: false, problems: [{ key: 'noToken', device: 'xihu-monitor-02' }] });
  });
});

// Issue 21: a tablet that was set up had no way to take a new bundle.
describe('re-provisioning a tablet from its admin panel', () => {
  const current = (() => {
    const read = readTabletBundle(bundleText('xihu-pad-01'));
    if (!read.ok) throw new Error('the xihu bundle does not read');
    return read.contexts[0]!;
  })();

  it('takes a bundle for the same device: a renamed window, the same key when the token is the same', () => {
    const renamed = readReprovisionBundle(bundleText('xihu-pad-01', (h) => ({ ...h, windows: h.windows.map((w) => ({ ...w, name: '综合受理（新）' })) })), current);
    expect(renamed).toMatchObject({ ok: true, rotatesKey: false, context: { device: { id: 'xihu-pad-01' }, window: { name: '综合受理（新）' } } });
  });

  it('replaces the key only when the bundle brings another enrolment token', () => {
    const rotated = readReprovisionBundle(bundleText('xihu-pad-01', (h) => ({ ...h, devices: h.devices.map((d) => ({ ...d, enrolmentToken: 'tablet-enrolment-token-0002' })) })), current);
    expect(rotated).toMatchObject({ ok: true, rotatesKey: true, context: { intake: { enrolmentToken: 'tablet-enrolment-token-0002' } } });
  });

  it('refuses a bundle for another device or another hall, naming both, and any bundle a first start refuses', () => {
    expect(readReprovisionBundle(bundleText('xihu-monitor-02'), current)).toEqual({
      ok: false,
      problems: [{ key: 'otherDevice', device: 'xihu-pad-01', hall: xihu.hall.code, devices: `xihu-monitor-02 (${xihu.hall.code})` }],
    });
    const otherHall = readReprovisionBundle(bundleText('xihu-pad-01', (h) => ({ ...h, hall: { ...h.hall, code: 'other-hall' } })), current);
    expect(otherHall).toEqual({ ok: false, problems: [{ key: 'otherDevice', device: 'xihu-pad-01', hall: xihu.hall.code, devices: 'xihu-pad-01 (other-hall)' }] });
    expect(readReprovisionBundle(bundleText('xihu-serial-02'), current)).toEqual({ ok: false, problems: [{ key: 'needsHost', devices: 'xihu-serial-02 (serial)' }] });
  });
});
