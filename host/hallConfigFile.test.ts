import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HallConfigError, loadHallConfigKeepingLastGood, readHallConfig } from './hallConfigFile';

const demo = path.resolve(__dirname, '../kiosk-config/demo-hall.json');

describe('hall config file', () => {
  it('reads the checked-in demo hall', () => {
    const hall = readHallConfig(demo);
    expect(hall.devices.map((d) => d.id)).toContain('demo-pad-a01');
  });

  it('reports every problem with its path', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hall-'));
    const file = path.join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        hall: { code: 'h', name: 'n', regionCode: '12' },
        windows: [{ no: 'A01', name: 'w', ratingUrl: 'ftp://x' }],
        devices: [{ id: 'd1x', windowNo: 'Z9', kind: 'pad', caseEventToken: 'short' }],
      }),
    );
    try {
      readHallConfig(file);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HallConfigError);
      const problems = (error as HallConfigError).problems.join('\n');
      expect(problems).toContain('hall.regionCode: expected 6 or 12 digits');
      expect(problems).toContain('windows.0.ratingUrl');
      expect(problems).toContain('devices.0.caseEventToken: use at least 16 characters');
      expect(problems).toContain('devices.0.windowNo: no window numbered "Z9"');
    }
  });

  // Each case breaks a valid hall in one way; the problem names the path and says what is wrong.
  const BAD_CONFIGS: Array<[kind: string, breakIt: (hall: Hall) => void, problem: string]> = [
    ['missing hall name', (h) => delete h.hall.name, 'hall.name: Invalid input: expected string, received undefined'],
    ['region code of 5 digits', (h) => (h.hall.regionCode = '34010'), 'hall.regionCode: expected 6 or 12 digits'],
    ['unknown time zone', (h) => (h.hall.timeZone = 'Asia/Beijing'), 'hall.timeZone: expected an IANA time zone such as Asia/Shanghai'],
    ['unknown province profile', (h) => (h.hall.provinceProfile = 'hunan'), 'hall.provinceProfile: Invalid option: expected one of "anhui"|"zhejiang"'],
    ['misspelt key', (h) => (h.windows[0]!.nmae = 'x'), 'windows.0: Unrecognized key: "nmae"'],
    ['no windows', (h) => (h.windows = []), 'windows: Too small: expected array to have >=1 items'],
    ['rating page not on http(s)', (h) => (h.windows[0]!.ratingUrl = 'ftp://example.gov.cn/rate'), 'windows.0.ratingUrl: Invalid URL'],
    ['two windows with one number', (h) => (h.windows[1]!.no = h.windows[0]!.no), 'windows.1.no: duplicate window number "A01"'],
    ['device at a missing window', (h) => (h.devices[1]!.windowNo = 'Z9'), 'devices.1.windowNo: no window numbered "Z9"'],
    ['two devices with one id', (h) => (h.devices[1]!.id = h.devices[0]!.id), 'devices.1.id: duplicate device id "demo-pad-a01"'],
    ['unknown device kind', (h) => (h.devices[0]!.kind = 'printer'), 'devices.0.kind: Invalid option: expected one of "pad"|"monitor"|"serial"|"hid"'],
    ['serial device without a port', (h) => (h.devices[0]!.kind = 'serial'), 'devices.0.serial: a serial device needs a "serial" attachment (its port)'],
    ['short case event token', (h) => (h.devices[0]!.caseEventToken = 'short'), 'devices.0.caseEventToken: use at least 16 characters'],
    ['free rating as text', (h) => (h.policies.allowFreeRating = 'yes'), 'policies.allowFreeRating: Invalid input: expected boolean, received string'],
    ['logout time 25:00', (h) => (h.policies.staffLogoutAt = '25:00'), 'policies.staffLogoutAt: expected HH:MM'],
  ];
  type Hall = { hall: Record<string, unknown>; windows: Array<Record<string, unknown>>; devices: Array<Record<string, unknown>>; policies: Record<string, unknown> };

  it.each(BAD_CONFIGS)('reports a bad config (%s) with its path and a plain message', (_kind, breakIt, problem) => {
    const hall = JSON.parse(readFileSync(demo, 'utf8')) as Hall;
    breakIt(hall);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'hall-')), 'hall.json');
    writeFileSync(file, JSON.stringify(hall));
    expect(() => readHallConfig(file)).toThrow(HallConfigError);
    try {
      readHallConfig(file);
    } catch (error) {
      expect((error as HallConfigError).problems).toContain(problem);
    }
  });

  it('reports all problems of a config at once, and a device keeps its last good config', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hall-'));
    const file = path.join(dir, 'hall.json');
    const data = path.join(dir, 'data');
    writeFileSync(file, readFileSync(demo, 'utf8'));
    loadHallConfigKeepingLastGood(file, data);
    const hall = JSON.parse(readFileSync(demo, 'utf8')) as Hall;
    for (const [, breakIt] of BAD_CONFIGS.slice(1, 4)) breakIt(hall);
    writeFileSync(file, JSON.stringify(hall));
    const loaded = loadHallConfigKeepingLastGood(file, data);
    expect(loaded.hall.hall.regionCode).toBe('340104');
    expect(loaded.fellBackBecause?.problems).toHaveLength(3);
  });

  it('keeps the last good config when the file turns corrupt', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hall-'));
    const file = path.join(dir, 'hall.json');
    const data = path.join(dir, 'data');
    writeFileSync(file, JSON.stringify(readHallConfig(demo)));
    expect(loadHallConfigKeepingLastGood(file, data).fellBackBecause).toBeUndefined();
    writeFileSync(file, '{"hall": {"code": "truncated');
    const loaded = loadHallConfigKeepingLastGood(file, data);
    expect(loaded.hall.hall.code).toBe('demo-hall');
    expect(loaded.fellBackBecause?.problems[0]).toMatch(/JSON/);
  });

  it('fails with the problems when there is no last good copy', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hall-'));
    const file = path.join(dir, 'hall.json');
    writeFileSync(file, '[]');
    expect(() => loadHallConfigKeepingLastGood(file, path.join(dir, 'data'))).toThrow(HallConfigError);
  });
});
