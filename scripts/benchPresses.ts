import type { Page } from '@playwright/test';
import type { HostFixture } from '../e2e/fixtures';
import { awaitMark, markTimes, nodeNow, sleep } from './pageMarks';
import { formatMs, percentile } from './stats';

/**
 * One series of citizens at the rating screen, as `npm run bench` drives it: a case event, the
 * rating screen painted, one key press, the press record durable, back to the idle screen.
 * Every time comes from the page's own user-timing marks, read with one small evaluate per
 * invitation after the write, so the bench puts next to no work on the page while it writes.
 */
export interface PressSeries {
  /** case event POSTed → rating screen painted (page clock, corrected by `clockOffset`). */
  toPaint: number[];
  /** rating-press → outcome-durable of the press record. */
  toDurable: number[];
  /** rating-press → record-read: the press's ending sealed, its turn in the recorder's queue, the read transaction. */
  toRead: number[];
  /** record-read → record-sealed: the record built, hashed, signed, schema-checked. */
  toSealed: number[];
  /** record-sealed → outcome-durable: the write transaction until it committed (strict). */
  toCommitted: number[];
}

export interface PressSeriesOptions {
  count: number;
  /** '5' (非常满意: press → thanks) or '1' (非常不满意: press → details, submitted with no reasons). */
  key: '1' | '2' | '3' | '4' | '5';
  /** Page clock minus Node clock (pageMarks.clockOffset). */
  clockOffset: number;
  /** Printed before the dots. */
  label: string;
}

const STAGES = ['rating-press', 'record-read', 'record-sealed', 'outcome-durable'] as const;

export async function runPressSeries(page: Page, evaluator: HostFixture, { count, key, clockOffset, label }: PressSeriesOptions): Promise<PressSeries> {
  const series: PressSeries = { toPaint: [], toDurable: [], toRead: [], toSealed: [], toCommitted: [] };
  const bad = key === '1' || key === '2';
  process.stdout.write(`${label}: ${count} invitations `);
  for (let i = 0; i < count; i++) {
    const sentAt = nodeNow() + clockOffset;
    const invitationId = await evaluator.sendCaseEvent(`BENCH-${key}-${Date.now()}-${i}`);
    series.toPaint.push((await awaitMark(page, 'rating-painted', invitationId, 25)) - sentAt);
    await page.keyboard.press(key);
    await sleep(100); // leave the page alone while it writes
    await awaitMark(page, 'outcome-durable', invitationId, 50);
    const at = await markTimes(page, STAGES, invitationId);
    const [press, read, sealed, durable] = STAGES.map((name) => {
      const t = at[name];
      if (t === null) throw new Error(`no "${name}" mark for invitation ${invitationId}`);
      return t;
    }) as [number, number, number, number];
    series.toDurable.push(durable - press);
    series.toRead.push(read - press);
    series.toSealed.push(sealed - read);
    series.toCommitted.push(durable - sealed);
    if (bad) {
      // The press record is durable; the details screen is open. Submitting it with nothing
      // chosen writes the details record and goes on to the thanks screen (the button is
      // enabled once the details input guard has passed; click waits for that).
      await page.locator('[data-screen="details"]').getByRole('button', { name: '提交评价' }).click();
    }
    await page.locator('[data-screen="idle"]').waitFor();
    if (i % 20 === 19) process.stdout.write('.');
  }
  console.log(' done');
  return series;
}

export function latencyRow(metric: string, sample: number[], target: string, baseline: string): string[] {
  return [metric, String(sample.length), formatMs(percentile(sample, 50)), formatMs(percentile(sample, 95)), target, baseline];
}

/** The series' press → durable row and its three stage rows, indented below it. */
export function pressRows(metric: string, series: PressSeries, target: string, baseline: string, indent = '  '): string[][] {
  return [
    latencyRow(metric, series.toDurable, target, baseline),
    latencyRow(`${indent}stage: press → record read`, series.toRead, '—', 'ending sealed, queue, read tx'),
    latencyRow(`${indent}stage: read → hashed and signed`, series.toSealed, '—', 'build, SHA-256, Ed25519, zod'),
    latencyRow(`${indent}stage: signed → write committed`, series.toCommitted, '—', 'rw tx, strict durability'),
  ];
}
