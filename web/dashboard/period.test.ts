import { describe, expect, it } from 'vitest';
import { dailyGoodBad, everyDay, localDay, monthToDate, percent } from './period';

describe('dashboard period helpers', () => {
  it('the month so far, in local days', () => {
    expect(monthToDate(new Date(2026, 10, 23, 0, 5))).toEqual({ from: '2026-11-01', to: '2026-11-23' });
    expect(monthToDate(new Date(2026, 0, 1, 23, 59))).toEqual({ from: '2026-01-01', to: '2026-01-01' });
    expect(localDay(new Date(2026, 1, 9))).toBe('2026-02-09');
  });

  it('lists every day of a period, across month and year ends', () => {
    expect(everyDay('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(everyDay('2026-12-31', '2027-01-01')).toEqual(['2026-12-31', '2027-01-01']);
    expect(everyDay('2026-11-23', '2026-11-23')).toEqual(['2026-11-23']);
    expect(everyDay('2026-11-24', '2026-11-23')).toEqual([]);
    expect(everyDay('2026-01-01', '2026-12-31')).toHaveLength(365);
  });

  it('draws a day without outcomes as zero instead of skipping it', () => {
    const rows = [
      { period: '2026-11-01', good: 5, bad: 1 },
      { period: '2026-11-04', good: 2, bad: 0 },
    ];
    expect(dailyGoodBad(rows, '2026-11-01', '2026-11-04')).toEqual([
      { day: '2026-11-01', good: 5, bad: 1 },
      { day: '2026-11-02', good: 0, bad: 0 },
      { day: '2026-11-03', good: 0, bad: 0 },
      { day: '2026-11-04', good: 2, bad: 0 },
    ]);
  });

  it('rates as percentages; nothing rated is a dash, not 0 %', () => {
    expect(percent(2 / 3)).toBe('66.7%');
    expect(percent(1)).toBe('100.0%');
    expect(percent(null)).toBe('—');
  });
});
