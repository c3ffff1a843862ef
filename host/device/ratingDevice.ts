import type { Level } from '../../contract/ratingCodes';

/** What the host needs from any physical rating device, whatever its transport or vendor. */
export interface RatingDevice {
  start(): void;
  stop(): Promise<void>;
  /** Light / tone / display commands: best effort, resent until acknowledged. */
  command(kind: DeviceCommand): void;
  status(): DeviceStatus;
}

export type DeviceCommand = 'prompt' | 'thanks' | 'idle' | 'selfTest';

export interface DevicePress {
  level: Level;
  durationMs: number;
  /** Epoch ms (sub-ms) at which the host decoded the press. */
  receivedAtMs: number;
}

export interface DeviceStatus {
  connected: boolean;
  /** Heard from within the heartbeat timeout. */
  online: boolean;
  path: string | null;
  info: { model: string; firmware: string; serial: string } | null;
  counters: {
    frames: number;
    presses: number;
    checksumErrors: number;
    discardedBytes: number;
    unmappedValues: number;
    duplicatePresses: number;
    resends: number;
    reconnects: number;
  };
  lastError: string | null;
}

/**
 * Vendor value maps: devices report their own button values (0–4, 1–4, 1–5 in either order);
 * the configured map turns a value into a level. Values not in the map are counted, never guessed.
 */
export const VALUE_MAPS: Record<string, Record<number, Level>> = {
  /** Our open protocol: the button value is the level (5 非常满意 … 1 非常不满意). */
  open: { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5 },
  /** Zero-based five-button boxes, 非常满意 first. */
  'zero-based-5': { 0: 5, 1: 4, 2: 3, 3: 2, 4: 1 },
  /** Four-button boxes without 基本满意, 非常满意 first. */
  'four-key': { 1: 5, 2: 4, 3: 2, 4: 1 },
};
