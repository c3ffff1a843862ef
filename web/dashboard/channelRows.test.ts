import { describe, expect, it } from 'vitest';
import { channelRows, publicChannelRows } from './channelRows';

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

  it('gives the public display the same rows with the counted ratings only', () => {
    const rows = publicChannelRows({ device: 7, phone: [{ channel: 'mobile', kind: 'case', counted: 2 }] });
    expect(rows).toEqual([
      { key: 'device', label: '评价器（平板、评价终端）', counted: 7 },
      { key: 'qr-code:case', label: '扫码评价（评价器上的办件二维码）', counted: 0 },
      { key: 'mobile:case', label: '短信链接评价（办件）', counted: 2 },
      { key: 'qr-code:window', label: '扫码评价（窗口张贴的二维码）', counted: 0 },
    ]);
  });
});
