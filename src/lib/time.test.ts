import { describe, expect, it } from 'vitest';
import { isoWithOffset } from './time';

describe('isoWithOffset', () => {
  const at = Date.UTC(2026, 10, 22, 8, 20, 5, 123); // 16:20:05.123 in Beijing

  it('writes the hall time zone, whatever zone the device runs in', () => {
    expect(isoWithOffset(at, 'Asia/Shanghai')).toBe('2026-11-22T16:20:05.123+08:00');
    expect(isoWithOffset(at, 'Asia/Urumqi')).toBe('2026-11-22T14:20:05.123+06:00');
    expect(isoWithOffset(at, 'UTC')).toBe('2026-11-22T08:20:05.123+00:00');
    expect(isoWithOffset(Date.UTC(2026, 6, 1, 3, 0, 0, 7), 'America/New_York')).toBe('2026-06-30T23:00:00.007-04:00');
    // Across midnight the hall's day is the one that counts.
    expect(isoWithOffset(Date.UTC(2026, 10, 22, 16, 30), 'Asia/Shanghai')).toBe('2026-11-23T00:30:00.000+08:00');
  });

  it('names the same instant it was given', () => {
    for (const zone of ['Asia/Shanghai', 'Asia/Kolkata', 'America/St_Johns', 'UTC']) {
      expect(Date.parse(isoWithOffset(at, zone))).toBe(at);
    }
    expect(Date.parse(isoWithOffset(at))).toBe(at);
  });
});
