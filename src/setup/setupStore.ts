import { create } from 'zustand';
import type { DeviceContext } from '../../contract/hallConfig';

type ApplyBundle = (context: DeviceContext, adminPinHash: string | undefined) => Promise<void>;

interface SetupState {
  /** A tablet with neither a host nor a stored device context: it must be set up first. */
  needed: boolean;
  /** Stores the chosen device context (and the hall's admin PIN hash) and starts the device on it. */
  apply: ApplyBundle | null;
  /** On a host-less tablet that is set up: takes a new bundle for the same device (admin panel). */
  reprovision: ApplyBundle | null;
}

export const useSetupStore = create<SetupState>(() => ({ needed: false, apply: null, reprovision: null }));
