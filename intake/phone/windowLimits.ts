import type { PhoneRatingFlag } from '../../contract/phoneRating';

/** Abuse limits of a window's printed QR (issue 24): ratings beyond them are stored flagged, never dropped. */
export interface WindowLimits {
  /** Window ratings per caller address in the last hour. */
  perAddressPerHour: number;
  /** Ratings of one window in the last hour (a busy window serves perhaps one citizen a minute). */
  perWindowPerHour: number;
}

export const DEFAULT_WINDOW_LIMITS: WindowLimits = { perAddressPerHour: 5, perWindowPerHour: 60 };

/** What the store counted before this rating. */
export interface WindowRecent {
  fromAddressLastHour: number;
  ofWindowLastHour: number;
  /** This browser (its cookie) already rated this window on the hall's calendar day. */
  browserRatedToday: boolean;
}

/** The flags a window rating carries: always `window-service`, plus each limit it goes beyond. */
export function windowRatingFlags(recent: WindowRecent, limits: WindowLimits): PhoneRatingFlag[] {
  const flags: PhoneRatingFlag[] = ['window-service'];
  if (recent.fromAddressLastHour >= limits.perAddressPerHour) flags.push('address-over-limit');
  if (recent.ofWindowLastHour >= limits.perWindowPerHour) flags.push('window-over-limit');
  if (recent.browserRatedToday) flags.push('browser-repeat');
  return flags;
}

/** Whether a flagged window rating still counts: only one within every limit does. */
export function countsAsRating(flags: readonly PhoneRatingFlag[]): boolean {
  return flags.every((flag) => flag === 'window-service');
}
