import { describe, expect, it } from 'vitest';
import { JSON_DEPTH_MAX, nestsDeeperThan } from './jsonDepth';

const padded = (json: string) => JSON.stringify({ pad: 'x'.repeat(70 * 1024), json: JSON.parse(json) as unknown });

describe('nestsDeeperThan', () => {
  it('finds nesting past the limit in a large body', () => {
    const deep = `${'['.repeat(JSON_DEPTH_MAX + 1)}${']'.repeat(JSON_DEPTH_MAX + 1)}`;
    expect(nestsDeeperThan(padded(deep))).toBe(true);
    const atLimit = `${'['.repeat(JSON_DEPTH_MAX - 1)}${']'.repeat(JSON_DEPTH_MAX - 1)}`;
    expect(nestsDeeperThan(padded(atLimit))).toBe(false);
    expect(nestsDeeperThan('['.repeat(200_000))).toBe(true);
  });

  it('counts objects as well as arrays, and closes each level it opens', () => {
    const deepObjects = `${'{"a":'.repeat(JSON_DEPTH_MAX + 1)}1${'}'.repeat(JSON_DEPTH_MAX + 1)}`;
    expect(nestsDeeperThan(padded(deepObjects))).toBe(true);
    // Thousands of shallow arrays and objects side by side: never deep.
    const wide = JSON.stringify(Array.from({ length: 20_000 }, (_, i) => (i % 2 ? [i] : { i })));
    expect(wide.length).toBeGreaterThan(64 * 1024);
    expect(nestsDeeperThan(wide)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify(Array.from({ length: 20_000 }, (_, i) => [i])))).toBe(false);
    expect(nestsDeeperThan(JSON.stringify(Array.from({ length: 20_000 }, (_, i) => ({ i }))))).toBe(false);
  });

  it('counts no bracket inside a string, escaped quotes included', () => {
    const text = JSON.stringify({ a: '['.repeat(100_000), b: `\\"${'{'.repeat(100)}"` });
    expect(nestsDeeperThan(text)).toBe(false);
  });

  it('leaves small bodies to the parser, however nested', () => {
    expect(nestsDeeperThan('['.repeat(1000))).toBe(false);
  });
});
