import { describe, expect, it } from 'vitest';
import { splitPeriod } from './splitPeriod';

describe('splitPeriod', () => {
  it('a whole year is twelve months and no edge days', () => {
    const s = splitPeriod('2026-01-01', '2026-12-31');
    expect([s.monthFrom, s.monthTo]).toEqual(['2026-01', '2026-12']);
    expect(s.headFrom > s.headTo).toBe(true);
    expect(s.tailFrom > s.tailTo).toBe(true);
  });

  it('ragged edges come from the daily table', () => {
    expect(splitPeriod('2026-01-15', '2026-03-10')).toEqual({
      headFrom: '2026-01-15', headTo: '2026-01-31', monthFrom: '2026-02', monthTo: '2026-02', tailFrom: '2026-03-01', tailTo: '2026-03-10',
    });
    // February of a non-leap year ends on the 28th; the period crosses a year.
    expect(splitPeriod('2025-12-31', '2026-02-28')).toEqual({
      headFrom: '2025-12-31', headTo: '2025-12-31', monthFrom: '2026-01', monthTo: '2026-02', tailFrom: '2026-03-01', tailTo: '2026-02-28',
    });
  });

  it('a period inside one month, or a month not whole, is all days', () => {
    for (const [from, to] of [['2026-11-03', '2026-11-20'], ['2026-11-01', '2026-11-29'], ['2026-10-31', '2026-11-01']] as const) {
      const s = splitPeriod(from, to);
      expect([s.headFrom, s.headTo]).toEqual([from, to]);
      expect(s.monthFrom > s.monthTo).toBe(true);
      expect(s.tailFrom > s.tailTo).toBe(true);
    }
  });
});
