import { create } from 'zustand';
import type { DeviceStatusMessage } from '../../contract/bridgeMessages';
import type { SyncEngine, SyncStatus } from '../sync/syncEngine';

interface AdminState {
  open: boolean;
  syncStatus: SyncStatus | null;
  engine: SyncEngine | null;
  deviceStatus: DeviceStatusMessage | null;
  setOpen(open: boolean): void;
}

/** Staff-facing state: the admin panel and the sync status it shows. Never shows a chosen level. */
export const useAdminStore = create<AdminState>()((set) => ({
  open: false,
  syncStatus: null,
  engine: null,
  deviceStatus: null,
  setOpen: (open) => set({ open }),
}));

const TAPS_TO_OPEN = 5;
const TAP_WINDOW_MS = 3000;

/** Five taps within three seconds on the hall name open the admin panel. */
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
