import { describe, expect, it } from 'vitest';
import { localDay, monthToDate, percent } from './period';

describe('dashboard period helpers', () => {
  it('the month so far, in local days', () => {
    expect(monthToDate(new Date(2026, 10, 23, 0, 5))).toEqual({ from: '2026-11-01', to: '2026-11-23' });
    expect(monthToDate(new Date(2026, 0, 1, 23, 59))).toEqual({ from: '2026-01-01', to: '2026-01-01' });
    expect(localDay(new Date(2026, 1, 9))).toBe('2026-02-09');
  });

  it('rates as percentages; nothing rated is a dash, not 0 %', () => {
    expect(percent(2 / 3)).toBe('66.7%');
    expect(percent(1)).toBe('100.0%');
    expect(percent(null)).toBe('—');
  });
});
