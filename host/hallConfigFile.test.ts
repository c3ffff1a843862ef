import { mkdtempSync, writeFileSync } from 'node:fs';
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
