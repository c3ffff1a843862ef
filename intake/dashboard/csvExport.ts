import type { AggregateResponse } from '../../contract/dashboard';

/**
 * RFC 4180 field: quoted when it holds a comma, quote or line break. A text cell starting with
 * = + - @ (or tab/CR) is prefixed with ' so spreadsheet programs do not run it as a formula.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const rate = (value: number | null) => (value === null ? null : Number(value.toFixed(4)));

export const CSV_HEADER = [
  'hall', 'from', 'to', 'dimension', 'period', 'key', 'label', 'total', 'rated', 'good', 'bad', 'unrated', 'declined',
  'level5', 'level4', 'level3', 'level2', 'level1', 'goodRate', 'unratedShare',
  'followupsOpened', 'followupsClosed', 'followupsOverdue', 'followupsClosedLate', 'followupCompletionRate',
];

/** The aggregates of a period as CSV, with a UTF-8 BOM so Excel reads the Chinese labels right. */
export function aggregatesToCsv(result: AggregateResponse): string {
  const lines = [CSV_HEADER.join(',')];
  for (const r of result.rows) {
    const [l1, l2, l3, l4, l5] = r.levels;
    const f = r.followups;
    const cells = [
      result.hall, result.from, result.to, result.by, r.period, r.key, r.label, r.total, r.rated, r.good, r.bad, r.unrated, r.declined,
      l5, l4, l3, l2, l1, rate(r.goodRate), rate(r.unratedShare),
      f.opened, f.closed, f.overdue, f.closedLate, rate(f.completionRate),
    ];
    lines.push(cells.map(csvField).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
