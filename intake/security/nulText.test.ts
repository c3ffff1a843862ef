import { describe, expect, it } from 'vitest';
import { withoutItemLists } from './nulText';

describe('withoutItemLists', () => {
  it('empties the named item lists and keeps the rest', () => {
    expect(withoutItemLists({ deviceId: 'd\0', outcomes: [{ c: '\0' }], lateFlags: [] }, ['outcomes'])).toEqual({ deviceId: 'd\0', outcomes: [], lateFlags: [] });
    expect(withoutItemLists({ by: 'x', batch: { deviceId: 'd', outcomes: [{ c: '\0' }] } }, ['batch.outcomes'])).toEqual({ by: 'x', batch: { deviceId: 'd', outcomes: [] } });
  });

  it('leaves the value alone where the list is absent or the value is not an object', () => {
    expect(withoutItemLists({ a: 1 }, ['outcomes'])).toEqual({ a: 1 });
    expect(withoutItemLists([1, '\0'], ['outcomes'])).toEqual([1, '\0']);
    expect(withoutItemLists('\0', ['outcomes'])).toBe('\0');
    expect(withoutItemLists(null, ['outcomes'])).toBeNull();
    expect(withoutItemLists({ a: { b: { c: [1], d: 2 } } }, ['a.b.c'])).toEqual({ a: { b: { c: [], d: 2 } } });
    expect(withoutItemLists({ outcomes: [1] }, [])).toEqual({ outcomes: [1] });
  });
});
