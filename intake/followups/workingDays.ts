import { readFileSync } from 'node:fs';
import { z } from 'zod';

const DateList = z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/));

/** Public holidays and the weekend days made working days (调休) of one or more years. */
export const WorkingCalendarSchema = z
  .object({
    source: z.string().optional(),
    timeZone: z.string().default('Asia/Shanghai'),
    holidays: DateList,
    workdays: DateList,
  })
  .strict();
export type WorkingCalendar = z.infer<typeof WorkingCalendarSchema>;

export function loadCalendar(file: string): WorkingCalendar {
  return WorkingCalendarSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

export const DEFAULT_CALENDAR_FILE = new URL('./calendars/cn-2026.json', import.meta.url);

const DAY_MS = 86_400_000;

/**
 * Working-day arithmetic for follow-up deadlines ("5 个工作日内"): weekends and public holidays
 * are skipped, make-up working days count. Dates are the calendar's local dates.
 */
export function createWorkingDays(calendar: WorkingCalendar) {
  const holidays = new Set(calendar.holidays);
  const workdays = new Set(calendar.workdays);
  const localDate = new Intl.DateTimeFormat('en-CA', { timeZone: calendar.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  // Formatters are costly to build (a fresh one per 差评 was a fifth of ingest time): built once.
  const offsetName = new Intl.DateTimeFormat('en-US', { timeZone: calendar.timeZone, timeZoneName: 'longOffset' });
  const offsetMs = (epochMs: number) => {
    const parts = offsetName.formatToParts(epochMs);
    const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) * 60_000 : 0;
  };

  const deadlines = new Map<string, number>();

  function isWorkingDay(isoDate: string): boolean {
    if (workdays.has(isoDate)) return true;
    if (holidays.has(isoDate)) return false;
    const weekday = new Date(`${isoDate}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  return {
    isWorkingDay,
    /**
     * The end (23:59:59.999 local) of the n-th working day after the day of `startMs`; the day
     * the 差评 arrives does not count.
     */
    deadline(startMs: number, n: number): number {
      const startDay = localDate.format(startMs);
      const key = `${startDay}|${n}`;
      const known = deadlines.get(key);
      if (known !== undefined) return known;
      let day = new Date(`${startDay}T00:00:00Z`).getTime();
      let counted = 0;
      while (counted < n) {
        day += DAY_MS;
        if (isWorkingDay(new Date(day).toISOString().slice(0, 10))) counted++;
      }
      const endOfDayUtc = day + DAY_MS - 1;
      const deadline = endOfDayUtc - offsetMs(endOfDayUtc);
      // Every 差评 of a day shares its deadline: a batch computes it once.
      if (deadlines.size >= 1_000) deadlines.clear();
      deadlines.set(key, deadline);
      return deadline;
    },
  };
}

export type WorkingDays = ReturnType<typeof createWorkingDays>;
