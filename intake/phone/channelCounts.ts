import type { ChannelCounts, PublicChannelCounts } from '../../contract/phoneRating';
import type { PhoneStore } from '../store/store';

/**
 * The dashboard's counts by channel (issue 24): the hall's counted total holds device endings and
 * counted phone ratings alike (a superseded unrated is taken out when its phone rating counts in),
 * so the devices' share is the total less the phone ratings counted.
 */
export function phoneChannelCounts(phone: Pick<PhoneStore, 'channelCounts' | 'countedTotal'>) {
  return async (hall: string, from: string, to: string): Promise<ChannelCounts> => {
    const rows = await phone.channelCounts(hall, from, to);
    const total = await phone.countedTotal(hall, from, to);
    const phoneRows: ChannelCounts['phone'] = [];
    for (const r of rows) {
      const channel = r.channel === 'mobile' || r.channel === 'qr-code' ? r.channel : null;
      const kind = r.kind === 'case' || r.kind === 'window' ? r.kind : null;
      if (channel && kind) phoneRows.push({ channel, kind, counted: r.counted, flagged: r.flagged });
    }
    const phoneCounted = phoneRows.reduce((sum, r) => sum + r.counted, 0);
    return { hall, from, to, device: Math.max(0, total - phoneCounted), phone: phoneRows };
  };
}

/** The counts the public display may show: counted ratings per channel, nothing kept flagged. */
export function publicChannelCounts(counts: ChannelCounts): PublicChannelCounts {
  return { device: counts.device, phone: counts.phone.map(({ channel, kind, counted }) => ({ channel, kind, counted })) };
}
