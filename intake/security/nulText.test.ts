import { describe, expect, it } from 'vitest';
import { nulPaths, withoutItemLists } from './nulText';

describe('nulPaths', () => {
  it('names every string and key holding NUL, with its path', () => {
    expect(nulPaths({ a: 'ok', b: ['x', 'y\0z'], c: { 'k\0': 1, d: '\0' } })).toEqual(['b.1', 'c.k\0 (its name)', 'c.d']);
    expect(nulPaths('\0')).toEqual(['(value)']);
  });

  it('finds nothing in clean text, numbers, null and the six characters "\\u0000" typed as text', () => {
    expect(nulPaths({ a: 'plain 中文', n: 1, z: null, t: true, typed: '\\u0000' })).toEqual([]);
    expect(nulPaths(JSON.parse('{"typed":"\\\\u0000"}'))).toEqual([]);
    expect(nulPaths(JSON.parse('{"real":"\\u0000"}'))).toEqual(['real']);
  });

  it('stops at the limit', () => {
    expect(nulPaths(Array.from({ length: 10 }, () => '\0'), 3)).toEqual(['0', '1', '2']);
    expect(nulPaths({ a: '\0', b: '\0', c: '\0' }, 2)).toEqual(['a', 'b']);
  });
});

describe('withoutItemLists', () => {
  it('empties the named item lists and keeps the rest', () => {
    expect(withoutItemLists({ deviceId: 'd\0', outcomes: [{ c: '\0' }], lateFlags: [] }, ['outcomes'])).toEqual({ deviceId: 'd\0', outcomes: [], lateFlags: [] });
    expect(withoutItemLists({ by: 'x', batch: { deviceId: 'd', outcomes: [{ c: '\0' }] } }, ['batch.outcomes'])).toEqual({ by: 'x', batch: { deviceId: 'd', outcomes: [] } });
  });

  it('leaves the value alone where the list is absent or the value is not an object', () => {
    expect(withoutItemLists({ a: 1 }, ['outcomes'])).toEqual({ a: 1 });
    expect(withoutItemLists([1, '\0'], ['outcomes'])).toEqual([1, '\0']);
    expect(withoutItemLists('\0', ['outcomes'])).toBe('\0');
    expect(withoutItemLists({ outcomes: [1] }, [])).toEqual({ outcomes: [1] });
  });
});
