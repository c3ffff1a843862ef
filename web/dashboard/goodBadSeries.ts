import type { Series } from './BarChart';

const GOOD = '#1a7f37';
const BAD = '#c62828';

/** The 好评 and 差评 series of rows, in the dashboard's two colours. */
export function goodBadSeries(rows: Array<{ good: number; bad: number }>): Series[] {
  return [
    { label: '好评', values: rows.map((r) => r.good), color: GOOD },
    { label: '差评', values: rows.map((r) => r.bad), color: BAD },
  ];
}
