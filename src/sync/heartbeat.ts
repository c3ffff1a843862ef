import type { DeviceStatusMessage } from '../../contract/bridgeMessages';
import type { DeviceContext } from '../../contract/hallConfig';
import type { Heartbeat } from '../../contract/heartbeat';
import { GENESIS_HASH } from '../../contract/outcomeChain';
import type { ChainHead, EvaluatorDb } from '../data/db';
import type { IntakeClient } from './intakeClient';

// Set by vite.config.ts (`define`): the package version and the build id, e.g. 0.1.0+1a2b3c4d5e6f.
declare const __APP_VERSION__: string | undefined;

/** This page's build as the intake sees it; `0.0.0+dev` where the bundler did not stamp one (tests, tools). */
export const APP_VERSION: string = typeof __APP_VERSION__ === 'string' && __APP_VERSION__ !== '' ? __APP_VERSION__ : '0.0.0+dev';

const CHAIN_HEAD_KEY = 'chainHead';

/** Where a heartbeat's facts come from: the device database and a few live readings. */
export interface HeartbeatSources {
  db: EvaluatorDb;
  context: Pick<DeviceContext, 'device' | 'hall'>;
  /** The device's wall clock. */
  now: () => number;
  appVersion: string;
  /** The sync engine's measured offset to the intake clock (null before it has one). */
  clockOffsetMs: () => number | null;
  /** The host's last report of the rating device; null on a touch-only PAD (no host, or no device). */
  ratingDevice: () => DeviceStatusMessage | null;
  /** navigator.storage where the browser has it. */
  storage?: Pick<StorageManager, 'estimate'> | undefined;
}

/** The browser's storage estimate in whole bytes; null where it gives none (or fails). */
async function storageEstimate(storage: HeartbeatSources['storage']): Promise<Heartbeat['storage']> {
  if (!storage?.estimate) return null;
  try {
    const { usage, quota } = await storage.estimate();
    if (usage === undefined || quota === undefined) return null;
    return { usageBytes: Math.max(0, Math.round(usage)), quotaBytes: Math.max(0, Math.round(quota)) };
  } catch {
    return null;
  }
}

/**
 * The rating device as the host last reported it. The bridge's device status says online; the
 * last press and missed heartbeats come from its counters when the host puts them there
 * (`lastPressAtMs`, `missedHeartbeats`), and are null / 0 until it does.
 */
export function ratingDeviceFacts(status: DeviceStatusMessage | null): Heartbeat['ratingDevice'] {
  if (!status) return null;
  const counter = (name: string) => {
    const value = status.counters[name];
    return value !== undefined && Number.isInteger(value) && value >= 0 ? value : null;
  };
  return { online: status.connected && status.online, lastPressAtMs: counter('lastPressAtMs'), missedHeartbeats: counter('missedHeartbeats') ?? 0 };
}

/**
 * Reads one heartbeat's facts. The database part is one short read-only transaction of cheap
 * queries (the chain head, a count, the first outbox row by seq, a count): the outbox is never
 * loaded whole, and a rating's write waits on nothing long.
 */
export async function readHeartbeat(sources: HeartbeatSources): Promise<Heartbeat> {
  const { db } = sources;
  const [[headRow, depth, oldest, deadLetters], storage] = await Promise.all([
    db.transaction('r', db.meta, db.outbox, db.deadLetters, () =>
      Promise.all([db.meta.get(CHAIN_HEAD_KEY), db.outbox.count(), db.outbox.orderBy('seq').first(), db.deadLetters.count()]),
    ),
    storageEstimate(sources.storage),
  ]);
  const head = (headRow?.value as ChainHead | undefined) ?? { seq: 0, hash: GENESIS_HASH };
  const sentAtMs = Math.round(sources.now());
  const offset = sources.clockOffsetMs();
  return {
    deviceId: sources.context.device.id,
    hallCode: sources.context.hall.code,
    sentAtMs,
    clockOffsetMs: offset === null ? null : Math.round(offset),
    appVersion: sources.appVersion,
    chainHead: { seq: head.seq, hash: head.hash },
    // Seq order is recording order: the first row is the oldest unsent. A clock set back since
    // it was stored counts as no age, not a negative one.
    outbox: { depth, oldestUnsentAgeMs: oldest ? Math.max(0, Math.round(sentAtMs - oldest.storedAtMs)) : null, deadLetters },
    storage,
    ratingDevice: ratingDeviceFacts(sources.ratingDevice()),
  };
}

/** How one heartbeat went, for a status line or a log; nothing acts on it. */
export type HeartbeatOutcome = { kind: 'sent'; heartbeat: Heartbeat } | { kind: 'dropped'; reason: string };

export interface HeartbeatSenderOptions extends HeartbeatSources {
  client: Pick<IntakeClient, 'heartbeat'>;
  intervalMs: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  onHeartbeat?: (outcome: HeartbeatOutcome) => void;
}

/**
 * Sends a heartbeat at once, then one every intervalMs. Nothing is queued: a heartbeat that
 * fails is dropped and the next tick builds a fresh one, and a tick that finds the last one still
 * on its way sends none (only the latest matters). It runs on its own timer, off the press path;
 * the intake's answer corrects nothing here (the signed request learns the clock from a stale
 * refusal, as every signed request does). stop() leaves no timer, even mid-send.
 */
export function startHeartbeats(options: HeartbeatSenderOptions): { stop(): void; idle(): Promise<void> } {
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  let stopped = false;
  let timer: unknown;
  let sending: Promise<void> | null = null;

  async function beat(): Promise<HeartbeatOutcome> {
    try {
      const heartbeat = await readHeartbeat(options);
      if (stopped) return { kind: 'dropped', reason: 'stopped' };
      const result = await options.client.heartbeat(heartbeat);
      return result.kind === 'ok' ? { kind: 'sent', heartbeat } : { kind: 'dropped', reason: result.reason };
    } catch (error) {
      return { kind: 'dropped', reason: `local: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  function tick(): void {
    timer = undefined;
    if (stopped) return;
    // The cadence does not wait for the intake: the next tick is armed before this one sends.
    timer = setTimer(tick, options.intervalMs);
    if (sending) return;
    sending = beat().then((outcome) => {
      sending = null;
      if (!stopped) options.onHeartbeat?.(outcome);
    });
  }

  tick();
  return {
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimer(timer);
      timer = undefined;
    },
    /** Resolves when the heartbeat under way, if any, has been answered or dropped. */
    idle: () => sending ?? Promise.resolve(),
  };
}
