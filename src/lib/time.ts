/** ISO 8601 local time with the UTC offset, as the provincial interfaces want it. */
export function isoWithOffset(epochMs: number): string {
  const date = new Date(epochMs);
  const offsetMin = -date.getTimezoneOffset();
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** Epoch milliseconds with sub-millisecond resolution, monotonic within one page life. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
