import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonicalJson';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined }, 中: '文' })).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1,"中":"文"}');
  });
  it('gives equal strings for equal values built in different orders', () => {
    expect(canonicalJson({ x: 1, y: [1, 2] })).toBe(canonicalJson({ y: [1, 2], x: 1 }));
    expect(canonicalJson({ x: 1 })).not.toBe(canonicalJson({ x: 2 }));
  });
  it('writes undefined array items as null and nests arrays of objects', () => {
    expect(canonicalJson([undefined, [{ b: 2, a: 1 }], 'x'])).toBe('[null,[{"a":1,"b":2}],"x"]');
  });
  it('refuses numbers JSON cannot carry', () => {
    expect(() => canonicalJson([1, Number.POSITIVE_INFINITY])).toThrow();
    expect(() => canonicalJson({ n: Number.NaN })).toThrow();
  });
});
