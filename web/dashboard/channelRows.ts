import type { ChannelCounts, PublicChannelCounts } from '../../contract/phoneRating';

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

type PhoneCount = { channel: ChannelCounts['phone'][number]['channel']; kind: ChannelCounts['phone'][number]['kind'] };

/** The devices' row, then one row per phone channel in PHONE_CHANNELS order, each made from the count found for it. */
function labelledRows<P extends PhoneCount, R>(phone: P[], device: R, phoneRow: (found: P | undefined) => R): Array<R & { key: string; label: string }> {
  return [
    { key: 'device', label: '评价器（平板、评价终端）', ...device },
    ...PHONE_CHANNELS.map(({ channel, kind, label }) => ({ key: `${channel}:${kind}`, label, ...phoneRow(phone.find((p) => p.channel === channel && p.kind === kind)) })),
  ];
}

/** The channel counts as table rows (issue 24): the hall's devices, then each phone channel. */
export function channelRows(counts: ChannelCounts): ChannelRow[] {
  return labelledRows(counts.phone, { counted: counts.device, flagged: null as number | null }, (found) => ({ counted: found?.counted ?? 0, flagged: found?.flagged ?? 0 }));
}

/** The public display's channel rows: counted ratings only. */
export function publicChannelRows(counts: PublicChannelCounts): Array<Omit<ChannelRow, 'flagged'>> {
  return labelledRows(counts.phone, { counted: counts.device }, (found) => ({ counted: found?.counted ?? 0 }));
}
