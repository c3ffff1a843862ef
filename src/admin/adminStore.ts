import { create } from 'zustand';
import type { DeviceStatusMessage, RendererMessage } from '../../contract/bridgeMessages';
import type { SyncEngine, SyncStatus } from '../sync/syncEngine';

export interface PinResult {
  ok: boolean;
  reason?: 'wrong' | 'locked' | 'notConfigured';
  retryAfterMs: number;
}

interface AdminState {
  /** The PIN pad is up (the hidden gesture was made). */
  pinPadOpen: boolean;
  pinResult: PinResult | null;
  /** Set once the bridge is up; admin requests go to the host, which checks the PIN. */
  sendToHost: ((message: RendererMessage) => void) | null;
  open: boolean;
  syncStatus: SyncStatus | null;
  engine: SyncEngine | null;
  deviceStatus: DeviceStatusMessage | null;
  /** False on a host-less tablet: there is no kiosk shell to leave. */
  canExitKiosk: boolean;
  setOpen(open: boolean): void;
  /** The staff gesture was made: the PIN pad comes up. */
  openPinPad(): void;
}

/** Staff-facing state: the admin panel and the sync status it shows. Never shows a chosen level. */
export const useAdminStore = create<AdminState>()((set) => ({
  pinPadOpen: false,
  pinResult: null,
  sendToHost: null,
  open: false,
  syncStatus: null,
  engine: null,
  deviceStatus: null,
  canExitKiosk: true,
  setOpen: (open) => set(open ? { open } : { open, pinPadOpen: false, pinResult: null }),
  openPinPad: () => set({ pinPadOpen: true, pinResult: null }),
}));

/**
 * The PIN pad and the admin panel close by themselves after 5 minutes, as long as the host
 * honours admin actions after a correct PIN (host/bridgeHub.ts ADMIN_UNLOCK_MS): a panel left open
 * at the counter neither stays for the next citizen nor offers buttons that no longer work.
 */
export const ADMIN_AUTO_CLOSE_MS = 5 * 60 * 1000;

/**
 * Closes the pad or panel ADMIN_AUTO_CLOSE_MS after it opened; the panel opening after the PIN
 * starts the time again, as the host's unlock does. Returns the unsubscribe.
 */
export function closeAdminAfterIdle(store: typeof useAdminStore, timers: Pick<typeof globalThis, 'setTimeout' | 'clearTimeout'> = globalThis): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const stop = () => {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
  };
  const unsubscribe = store.subscribe((state, previous) => {
    const shown = state.open || state.pinPadOpen;
    if (!shown) return stop();
    const opened = !(previous.open || previous.pinPadOpen) || (state.open && !previous.open);
    if (!opened) return;
    stop();
    timer = timers.setTimeout(() => {
      timer = null;
      store.getState().setOpen(false);
    }, ADMIN_AUTO_CLOSE_MS);
  });
  return () => {
    stop();
    unsubscribe();
  };
}

closeAdminAfterIdle(useAdminStore);

const TAPS_TO_OPEN = 5;
const TAP_WINDOW_MS = 3000;

/** Five taps within three seconds on the hall name open the PIN pad. */
export function createTapCounter(onOpen: () => void, now: () => number = Date.now) {
  let taps: number[] = [];
  return () => {
    const t = now();
    taps = [...taps.filter((x) => t - x < TAP_WINDOW_MS), t];
    if (taps.length >= TAPS_TO_OPEN) {
      taps = [];
      onOpen();
    }
  };
}
