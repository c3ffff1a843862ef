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
