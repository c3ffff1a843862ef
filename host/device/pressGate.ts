import type { ScreenName } from '../bridgeHub';

/** What becomes of a press the device sent (after duplicates are taken out). */
export type PressVerdict =
  /** A rating screen is up and has had no press yet: the press goes to the page. */
  | { kind: 'deliver' }
  /** A page is there but not asking for a rating (or already has its press): received, counted, not a rating. */
  | { kind: 'ignored'; reason: 'notRating' | 'alreadyPressed' | 'tooSoon' }
  /** Nobody to deliver it to: refused (NAK), so the device does not believe it was taken. */
  | { kind: 'refused'; reason: 'noPage' };

export interface PressGate {
  /** The rating page reported which screen shows. */
  screen(name: ScreenName): void;
  /** How many rating pages are connected to the bridge. */
  connections(count: number): void;
  decide(): PressVerdict;
}

/** Presses closer together than this are one finger's bounce or a stuck box, never two citizens. */
export const MIN_PRESS_INTERVAL_MS = 1000;

/**
 * The host's press gate: one press per rating screen (a new rating screen arms it, the first
 * press disarms it), at most one delivered press per MIN_PRESS_INTERVAL_MS whatever the screens
 * do, and none taken while no rating page is connected. Pure: no I/O, the clock is passed in.
 */
export function createPressGate(now: () => number, minIntervalMs = MIN_PRESS_INTERVAL_MS): PressGate {
  let current: ScreenName = 'idle';
  let armed = false;
  let pages = 0;
  let lastDeliveredAt = -Infinity;
  return {
    screen(name) {
      if (name === 'rating' && current !== 'rating') armed = true;
      if (name !== 'rating') armed = false;
      current = name;
    },
    connections(count) {
      pages = count;
      if (count === 0) {
        current = 'idle';
        armed = false;
      }
    },
    decide() {
      if (pages === 0) return { kind: 'refused', reason: 'noPage' };
      if (current !== 'rating') return { kind: 'ignored', reason: 'notRating' };
      if (!armed) return { kind: 'ignored', reason: 'alreadyPressed' };
      if (now() - lastDeliveredAt < minIntervalMs) return { kind: 'ignored', reason: 'tooSoon' };
      armed = false;
      lastDeliveredAt = now();
      return { kind: 'deliver' };
    },
  };
}
