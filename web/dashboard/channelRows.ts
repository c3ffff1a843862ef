import type { ChannelCounts } from '../../contract/phoneRating';

export interface ChannelRow {
  key: string;
  label: string;
  counted: number;
  /** Kept flagged past a window QR limit, not counted; null for the devices, which have no such limit. */
  flagged: number | null;
}

/** Every way a hall's ratings arrive, named as a manager knows them; one with none in the period reads 0. */
const PHONE_CHANNELS: Array<{ channel: ChannelCounts['phone'][number]['channel']; kind: ChannelCounts['phone'][number]['kind']; label: string }> = [
  { channel: 'qr-code', kind: 'case', label: '扫码评价（评价器上的办件二维码）' },
  { channel: 'mobile', kind: 'case', label: '短信链接评价（办件）' },
  { channel: 'qr-code', kind: 'window', label: '扫码评价（窗口张贴的二维码）' },
];

/** The channel counts as table rows (issue 24): the hall's devices, then each phone channel. */
export function channelRows(counts: ChannelCounts): ChannelRow[] {
  const phone = PHONE_CHANNELS.map(({ channel, kind, label }) => {
    const found = counts.phone.find((p) => p.channel === channel && p.kind === kind);
    return { key: `${channel}:${kind}`, label, counted: found?.counted ?? 0, flagged: found?.flagged ?? 0 };
  });
  return [{ key: 'device', label: '评价器（平板、评价终端）', counted: counts.device, flagged: null }, ...phone];
}
