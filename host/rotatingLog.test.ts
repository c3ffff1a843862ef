import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRotatingLog } from './rotatingLog';

describe('rotating log', () => {
  it('rotates by size, keeps N files, one event per line', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'log-'));
    const log = createRotatingLog({ dir, maxBytes: 200, keep: 2, now: () => new Date(0) });
    for (let i = 0; i < 20; i++) log(`event ${i}\nwith a line break`);
    const current = readFileSync(path.join(dir, 'host.log'), 'utf8');
    expect(current.trim().split('\n').every((l) => /^1970-01-01T00:00:00\.000Z event \d+ with a line break$/.test(l))).toBe(true);
    expect(current).toContain('event 19');
    expect(existsSync(path.join(dir, 'host.log.1'))).toBe(true);
    expect(existsSync(path.join(dir, 'host.log.2'))).toBe(true);
    expect(existsSync(path.join(dir, 'host.log.3'))).toBe(false);
    expect(readFileSync(path.join(dir, 'host.log.1'), 'utf8').length).toBeLessThanOrEqual(200);
  });
});
