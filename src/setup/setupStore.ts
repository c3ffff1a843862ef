import { create } from 'zustand';
import type { DeviceContext } from '../../contract/hallConfig';

interface SetupState {
  /** A tablet with neither a host nor a stored device context: it must be set up first. */
  needed: boolean;
  /** Stores the chosen device context (and the hall's admin PIN hash) and starts the device on it. */
  apply: ((context: DeviceContext, adminPinHash: string | undefined) => Promise<void>) | null;
}

export const useSetupStore = create<SetupState>(() => ({ needed: false, apply: null }));
