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
}));

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
