import type { Level } from '../../contract/ratingCodes';

/** What the host needs from any physical rating device, whatever its transport or vendor. */
export interface RatingDevice {
  start(): void;
  stop(): Promise<void>;
  /**
   * Light / tone / display commands. prompt, thanks and idle are the screen state: one latest-state
   * channel (a newer state replaces one not yet acknowledged), re-sent after every reconnect and
   * device reboot. Resent on a NAK or no ACK; giving up shows in lastError.
   */
  command(kind: DeviceCommand): void;
  status(): DeviceStatus;
}

export type DeviceCommand = 'prompt' | 'thanks' | 'idle' | 'selfTest';

/** The host's answer to a press: ACK (received; delivered or counted as ignored) or NAK (not taken). */
export type PressAnswer = 'ack' | 'nak';

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
    /** Commands given up after their last resend. */
    commandFailures: number;
    /** BOOT frames with a new session id: the device restarted. */
    deviceReboots: number;
    /** Presses refused with a NAK (no rating page was connected). */
    refusedPresses: number;
    /** Partial frames given up: a whole frame came after a false header, or the line went quiet. */
    falseStarts: number;
    /** Times the device's heartbeats stopped for longer than the timeout. */
    missedHeartbeats?: number;
    /** When the last press was taken (epoch ms); absent before the first. */
    lastPressAtMs?: number;
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
