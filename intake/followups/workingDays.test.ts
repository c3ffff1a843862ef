import { describe, expect, it } from 'vitest';
import { createWorkingDays, DEFAULT_CALENDAR_FILE, loadCalendar } from './workingDays';

const days = createWorkingDays(loadCalendar(DEFAULT_CALENDAR_FILE.pathname));
const due = (startIso: string, n: number) => new Date(days.deadline(Date.parse(startIso), n)).toISOString();

describe('working days (Beijing calendar 2026)', () => {
  it('skips weekends and counts make-up working days', () => {
    expect(days.isWorkingDay('2026-11-21')).toBe(false); // Saturday
    expect(days.isWorkingDay('2026-09-20')).toBe(true); // Sunday, made a working day
    expect(days.isWorkingDay('2026-10-01')).toBe(false); // National Day
    expect(due('2026-11-20T09:00:00+08:00', 1)).toBe('2026-11-23T15:59:59.999Z'); // Fri → Mon
  });

  it('runs through the National Day week', () => {
    // Wed 30 Sep: 1–7 Oct off; Sat 10 Oct works; 15 working days end on Tue 27 Oct.
    expect(due('2026-09-30T16:00:00+08:00', 15)).toBe('2026-10-27T15:59:59.999Z');
    expect(due('2026-09-30T16:00:00+08:00', 3)).toBe('2026-10-10T15:59:59.999Z');
  });

  it('uses the local date, not the UTC date, of the start', () => {
    // 23:30 Beijing on Friday is still Friday there (15:30 UTC).
    expect(due('2026-11-20T23:30:00+08:00', 1)).toBe('2026-11-23T15:59:59.999Z');
    // 00:30 Beijing on Saturday is Friday in UTC; counting starts from Saturday.
    expect(due('2026-11-21T00:30:00+08:00', 1)).toBe('2026-11-23T15:59:59.999Z');
  });
});
