import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hallJsonSchema, HALL_JSON_SCHEMA_FILE } from '../scripts/hallJsonSchema';
import { deviceContextFor, HallConfigSchema, windowRatingUrl } from './hallConfig';

const EXAMPLES = ['demo-hall.json', 'xihu-hall.json'].map((name) => path.resolve(__dirname, '../kiosk-config', name));

describe('hall config schema', () => {
  it.each(EXAMPLES)('round-trips the example hall %s', (file) => {
    const hall = HallConfigSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    const again = HallConfigSchema.parse(JSON.parse(JSON.stringify(hall)));
    expect(again).toEqual(hall);
    for (const device of hall.devices) expect(deviceContextFor(hall, device.id).window.no).toBe(device.windowNo);
  });

  it('gives the example halls what the issue asks of a hall', () => {
    const xihu = HallConfigSchema.parse(JSON.parse(readFileSync(EXAMPLES[1] as string, 'utf8')));
    expect(xihu.hall.provinceProfile).toBe('zhejiang');
    expect(new Set(xihu.devices.map((d) => d.kind))).toEqual(new Set(['pad', 'monitor', 'serial', 'hid']));
    expect(xihu.windows[0]?.items?.length).toBeGreaterThan(0);
    expect(xihu.policies.allowFreeRating).toBe(true);
  });

  it('fills in the defaults: no free rating unless the hall allows it', () => {
    const demo = JSON.parse(readFileSync(EXAMPLES[0] as string, 'utf8')) as { policies: Record<string, unknown> };
    delete demo.policies.allowFreeRating;
    const hall = HallConfigSchema.parse(demo);
    expect(hall.policies.allowFreeRating).toBe(false);
    expect(hall.policies.staffLogoutAt).toBe('20:00');
  });

  it('keeps the checked-in JSON Schema in step with the zod schema (npm run config-schema)', () => {
    expect(readFileSync(HALL_JSON_SCHEMA_FILE, 'utf8')).toBe(hallJsonSchema());
    const schema = JSON.parse(hallJsonSchema()) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['hall', 'windows', 'devices', 'policies']));
    expect(schema.required).toEqual(['hall', 'windows', 'devices']);
  });
});

describe('a window rating page (issue 24)', () => {
  const hall = { hall: { code: 'xihu-hall' } } as const;
  it("is the window's own ratingUrl, else the intake's window page on its public address", () => {
    expect(windowRatingUrl({ ...hall, intake: { url: 'http://10.0.0.5:8788' } }, { no: 'A 1', ratingUrl: 'https://rate.example.gov.cn/w1' })).toBe('https://rate.example.gov.cn/w1');
    expect(windowRatingUrl({ ...hall, intake: { url: 'http://10.0.0.5:8788' } }, { no: 'A 1' })).toBe('http://10.0.0.5:8788/w/xihu-hall/A%201');
    expect(windowRatingUrl({ ...hall, intake: { url: 'http://10.0.0.5:8788', publicUrl: 'https://hcp.xihu.gov.cn/' } }, { no: '1' })).toBe('https://hcp.xihu.gov.cn/w/xihu-hall/1');
    expect(windowRatingUrl(hall, { no: '1' })).toBeUndefined();
  });
});
