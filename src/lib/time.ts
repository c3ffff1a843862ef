const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** One formatter per zone: building one costs far more than a press may spend. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * ISO 8601 with the UTC offset, as the provincial interfaces want it: in the hall's time zone
 * when one is given (a PAD or a test machine set to UTC must not move a Beijing rating by eight
 * hours), else in the device's own.
 */
export function isoWithOffset(epochMs: number, timeZone?: string): string {
  const date = new Date(epochMs);
  const millis = pad(date.getUTCMilliseconds(), 3);
  let y: number, mo: number, d: number, h: number, mi: number, s: number, offsetMin: number;
  if (timeZone) {
    const parts = formatterFor(timeZone).formatToParts(date);
    const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
    [y, mo, d, h, mi, s] = [get('year'), get('month'), get('day'), get('hour'), get('minute'), get('second')];
    offsetMin = Math.round((Date.UTC(y, mo - 1, d, h, mi, s) - (epochMs - date.getUTCMilliseconds())) / 60_000);
  } else {
    [y, mo, d, h, mi, s] = [date.getFullYear(), date.getMonth() + 1, date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds()];
    offsetMin = -date.getTimezoneOffset();
  }
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  return `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}.${millis}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Epoch milliseconds with sub-millisecond resolution, monotonic within one page life. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
