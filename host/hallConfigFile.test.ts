import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HallConfigError, lastGoodFile, readHallConfig, startOnHallConfig } from './hallConfigFile';
import type { HallConfig } from '../contract/hallConfig';

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

  const started = async (hall: HallConfig) => hall;

  it('reports all problems of a config at once, and a device keeps its last good config', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hall-'));
    const file = path.join(dir, 'hall.json');
    const data = path.join(dir, 'data');
    writeFileSync(file, readFileSync(demo, 'utf8'));
    await startOnHallConfig(file, data, undefined, started);
    const hall = JSON.parse(readFileSync(demo, 'utf8')) as Hall;
    for (const [, breakIt] of BAD_CONFIGS.slice(1, 4)) breakIt(hall);
    writeFileSync(file, JSON.stringify(hall));
    const loaded = await startOnHallConfig(file, data, undefined, started);
    expect(loaded.hall.hall.regionCode).toBe('340104');
    expect((loaded.fellBackBecause as HallConfigError).problems).toHaveLength(3);
  });

  it('keeps the last good config when the file turns corrupt', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hall-'));
    const file = path.join(dir, 'hall.json');
    const data = path.join(dir, 'data');
    writeFileSync(file, JSON.stringify(readHallConfig(demo)));
    expect((await startOnHallConfig(file, data, undefined, started)).fellBackBecause).toBeUndefined();
    writeFileSync(file, '{"hall": {"code": "truncated');
    const loaded = await startOnHallConfig(file, data, undefined, started);
    expect(loaded.hall.hall.code).toBe('demo-hall');
    expect((loaded.fellBackBecause as HallConfigError).problems[0]).toMatch(/JSON/);
  });

  it('fails with the problems when there is no last good copy', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hall-'));
    const file = path.join(dir, 'hall.json');
    writeFileSync(file, '[]');
    await expect(startOnHallConfig(file, path.join(dir, 'data'), undefined, started)).rejects.toThrow(HallConfigError);
  });

  describe('a new config replaces last-good only once a host started on it (issue 19)', () => {
    const setUp = async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'hall-'));
      const file = path.join(dir, 'hall.json');
      const data = path.join(dir, 'data');
      writeFileSync(file, readFileSync(demo, 'utf8'));
      await startOnHallConfig(file, data, 'demo-pad-a01', started);
      return { file, data, good: readFileSync(lastGoodFile(data), 'utf8') };
    };

    it('a schema-valid config without this device: last-good kept, and the device runs on it', async () => {
      const { file, data, good } = await setUp();
      const other = JSON.parse(readFileSync(demo, 'utf8')) as Hall;
      other.devices = other.devices.filter((d) => d.id !== 'demo-pad-a01');
      writeFileSync(file, JSON.stringify(other));
      const loaded = await startOnHallConfig(file, data, 'demo-pad-a01', started);
      expect(loaded.hall.devices.some((d) => d.id === 'demo-pad-a01')).toBe(true);
      expect(loaded.fellBackBecause?.message).toMatch(/no device "demo-pad-a01"/);
      expect(readFileSync(lastGoodFile(data), 'utf8')).toBe(good);
    });

    it('a config the host cannot start on: last-good kept, and the host started on it instead', async () => {
      const { file, data, good } = await setUp();
      const changed = JSON.parse(readFileSync(demo, 'utf8')) as Hall;
      changed.hall.name = '新大厅';
      writeFileSync(file, JSON.stringify(changed));
      const logs: string[] = [];
      const tried: string[] = [];
      const loaded = await startOnHallConfig(
        file,
        data,
        'demo-pad-a01',
        async (hall) => {
          tried.push(hall.hall.name);
          if (hall.hall.name === '新大厅') throw new Error('listen EADDRINUSE 127.0.0.1:8787');
          return hall;
        },
        (m) => logs.push(m),
      );
      expect(tried).toEqual(['新大厅', readHallConfig(demo).hall.name]);
      expect(loaded.fellBackBecause?.message).toBe('listen EADDRINUSE 127.0.0.1:8787');
      expect(readFileSync(lastGoodFile(data), 'utf8')).toBe(good);
      expect(logs[0]).toMatch(/did not start: listen EADDRINUSE/);
    });

    it('a config that started becomes last-good (owner-only)', async () => {
      const { file, data } = await setUp();
      const changed = JSON.parse(readFileSync(demo, 'utf8')) as Hall;
      changed.hall.name = '新大厅';
      writeFileSync(file, JSON.stringify(changed));
      await startOnHallConfig(file, data, 'demo-pad-a01', started);
      expect(readFileSync(lastGoodFile(data), 'utf8')).toBe(JSON.stringify(changed));
      expect(statSync(lastGoodFile(data)).mode & 0o777).toBe(0o600);
    });
  });
});
