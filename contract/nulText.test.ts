import { describe, expect, it } from 'vitest';
import { nulPaths } from './nulText';

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

  it('stops at the limit, inside arrays and objects too', () => {
    expect(nulPaths({ a: ['\0', '\0', '\0'], b: '\0' }, 2)).toEqual(['a.0', 'a.1']);
    expect(nulPaths({ a: { x: '\0', y: '\0' }, b: { z: '\0' } }, 2)).toEqual(['a.x', 'a.y']);
    expect(nulPaths({ a: { x: '\0' }, b: { z: '\0' }, c: '\0' }, 2)).toEqual(['a.x', 'b.z']);
    expect(nulPaths(['\0', ['\0', '\0']], 1)).toEqual(['0']);
    expect(nulPaths(Array.from({ length: 10 }, () => '\0'), 3)).toEqual(['0', '1', '2']);
    expect(nulPaths({ a: '\0', b: '\0', c: '\0' }, 2)).toEqual(['a', 'b']);
  });
});
