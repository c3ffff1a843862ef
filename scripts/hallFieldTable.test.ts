import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hallFieldRows, PROVISIONING_DOC, withFieldTable } from './hallFieldTable';

// Issue 21: adminPinHash was missing from the docs' field table, which was written by hand.
describe('the hall config field table in docs/provisioning.md', () => {
  it('says what every field of the schema is', () => {
    expect(hallFieldRows().filter((r) => !r.what).map((r) => r.field)).toEqual([]);
    expect(hallFieldRows().map((r) => r.field)).toEqual(expect.arrayContaining(['adminPinHash', 'devices.adminPinHash', 'policies.heartbeatIntervalSec', 'hall.provinceProfile']));
  });

  it('is the one generated from the schema (npm run config-schema)', () => {
    const doc = readFileSync(PROVISIONING_DOC, 'utf8');
    expect(doc).toBe(withFieldTable(doc));
  });
});
