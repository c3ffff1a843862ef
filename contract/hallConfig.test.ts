import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hallJsonSchema, HALL_JSON_SCHEMA_FILE } from '../scripts/hallJsonSchema';
import { deviceContextFor, HallConfigSchema } from './hallConfig';

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
