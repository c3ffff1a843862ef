/** A period of local days split for the count tables: whole months from the monthly table, the edges from the daily one. */
export interface SplitPeriod {
  /** Days before the first whole month (from > to when there are none). */
  headFrom: string;
  headTo: string;
  /** Whole months, yyyy-MM (from > to when there are none). */
  monthFrom: string;
  monthTo: string;
  /** Days after the last whole month (from > to when there are none). */
  tailFrom: string;
  tailTo: string;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const monthStart = (month: string) => Date.parse(`${month}-01T00:00:00Z`);
const addMonths = (month: string, n: number) => {
  const d = new Date(monthStart(month));
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 7);
};

/** Splits [from, to] (local days, both included) into head days, whole months and tail days. */
export function splitPeriod(from: string, to: string): SplitPeriod {
  const firstWhole = from.endsWith('-01') ? from.slice(0, 7) : addMonths(from.slice(0, 7), 1);
  const lastDayOfToMonth = day(monthStart(addMonths(to.slice(0, 7), 1)) - 86_400_000);
  const lastWhole = to === lastDayOfToMonth ? to.slice(0, 7) : addMonths(to.slice(0, 7), -1);
  if (firstWhole > lastWhole) return { headFrom: from, headTo: to, monthFrom: '9999-12', monthTo: '0000-01', tailFrom: '9999-12-31', tailTo: '0000-01-01' };
  return {
    headFrom: from,
    headTo: day(monthStart(firstWhole) - 86_400_000),
    monthFrom: firstWhole,
    monthTo: lastWhole,
    tailFrom: `${addMonths(lastWhole, 1)}-01`,
    tailTo: to,
  };
}
