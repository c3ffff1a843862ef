import { create } from 'zustand';
import type { WriteFailure } from '../flow/flowStore';

/**
 * Keeps the device's IndexedDB safe from eviction and watches how full it is. Unsent outcomes
 * are never dropped to make room: when space runs low the admin is warned, and the outbox only
 * shrinks when the intake acknowledges.
 */
export const NEARLY_FULL_RATIO = 0.8;

export interface StorageReport {
  usageBytes: number;
  quotaBytes: number;
  /** Share of the quota in use, 0–1. */
  ratio: number;
  nearlyFull: boolean;
  /** Whether the browser promised not to evict this origin's data under pressure. */
  persisted: boolean;
}

type StorageApi = Pick<StorageManager, 'estimate' | 'persist' | 'persisted'>;

/** Asks once for persistent storage; true when granted (now or before). */
export async function requestPersistence(storage: StorageApi): Promise<boolean> {
  if (await storage.persisted()) return true;
  return storage.persist();
}

export async function readStorage(storage: StorageApi, persisted: boolean): Promise<StorageReport | null> {
  const { usage, quota } = await storage.estimate();
  if (usage === undefined || quota === undefined || quota <= 0) return null;
  const ratio = usage / quota;
  return { usageBytes: usage, quotaBytes: quota, ratio, nearlyFull: ratio >= NEARLY_FULL_RATIO, persisted };
}

export const useStorageStore = create<{ report: StorageReport | null; writeFailure: WriteFailure | null }>()(() => ({ report: null, writeFailure: null }));

/** Requests persistence, then re-reads the estimate on an interval; returns a stop function. */
export function watchStorage(
  storage: StorageApi | undefined,
  onReport: (report: StorageReport) => void,
  intervalMs = 60_000,
): () => void {
  if (!storage?.estimate) return () => undefined;
  let persisted = false;
  let stopped = false;
  const check = () =>
    void readStorage(storage, persisted)
      .then((report) => {
        if (report && !stopped) onReport(report);
      })
      .catch(() => undefined);
  void requestPersistence(storage)
    .catch(() => false)
    .then((granted) => {
      persisted = granted;
      check();
    });
  const timer = setInterval(check, intervalMs);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.round(bytes / 1024)} kB`;
}
