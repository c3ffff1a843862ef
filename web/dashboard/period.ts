const pad = (n: number) => String(n).padStart(2, '0');

/** A local calendar day as yyyy-MM-dd. */
export function localDay(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The current month so far: from its first day to today, in the browser's (the hall's) time zone. */
export function monthToDate(now: Date): { from: string; to: string } {
  return { from: localDay(new Date(now.getFullYear(), now.getMonth(), 1)), to: localDay(now) };
}

/** A rate as a percentage with one decimal, or a dash when there is nothing to divide. */
export function percent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

/** Every calendar day from `from` to `to` (yyyy-MM-dd, both included); empty when `to` is earlier. */
export function everyDay(from: string, to: string): string[] {
  const days: string[] = [];
  // Stepped in UTC, where every day has 24 hours, so no day is skipped or repeated.
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let at = Date.parse(`${from}T00:00:00Z`); at <= end; at += 86_400_000) days.push(new Date(at).toISOString().slice(0, 10));
  return days;
}

/** One row per day of the period, a day without outcomes counted as zero rather than left out. */
export function dailyGoodBad(rows: Array<{ period?: string | null; good: number; bad: number }>, from: string, to: string) {
  const byDay = new Map(rows.map((r) => [r.period, r]));
  return everyDay(from, to).map((day) => ({ day, good: byDay.get(day)?.good ?? 0, bad: byDay.get(day)?.bad ?? 0 }));
}
