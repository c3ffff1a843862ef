import { describe, expect, it } from 'vitest';
import { channelRows } from './channelRows';

describe('channel rows of the dashboard (issue 24)', () => {
  it('names the devices and every phone channel, zero where none arrived, flagged apart', () => {
    const rows = channelRows({ hall: 'h1', from: '2026-11-01', to: '2026-11-30', device: 12, phone: [{ channel: 'qr-code', kind: 'window', counted: 3, flagged: 2 }] });
    expect(rows.map((r) => [r.key, r.counted, r.flagged])).toEqual([
      ['device', 12, null],
      ['qr-code:case', 0, 0],
      ['mobile:case', 0, 0],
      ['qr-code:window', 3, 2],
    ]);
    expect(rows[3]!.label).toBe('扫码评价（窗口张贴的二维码）');
  });
});
