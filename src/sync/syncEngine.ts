import { BATCH_MAX_BYTES } from '../../contract/intakeApi';
import type { EvaluatorDb } from '../data/db';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import type { IntakeClient } from './intakeClient';
import { offsetFrom } from './signedRequest';
import { applyLateFlagResults, applyResults, nextBatch, pendingLateFlags, utf8Length } from './outboxBatches';

export type SyncState = 'idle' | 'syncing' | 'waiting' | 'unauthorized' | 'otherTab';

export interface SyncStatus {
  state: SyncState;
  lastSuccessAtMs: number | null;
  lastError: string | null;
  nextAttemptAtMs: number | null;
  /** Intake clock minus device clock, from the last answered upload. */
  clockOffsetMs: number | null;
  uploadedTotal: number;
  rejectedTotal: number;
}

export const INITIAL_SYNC_STATUS: SyncStatus = {
  state: 'idle',
  lastSuccessAtMs: null,
  lastError: null,
  nextAttemptAtMs: null,
  clockOffsetMs: null,
  uploadedTotal: 0,
  rejectedTotal: 0,
};

/** The part of the Web Locks API the engine uses; one sync runner across all tabs. */
export interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

export interface SyncEngineDeps {
  db: EvaluatorDb;
  client: Pick<IntakeClient, 'uploadBatch'>;
  now: () => number;
  random: () => number;
  batchSize: number;
  intervalMs: number;
  backoff?: BackoffPolicy;
  locks?: LockManagerLike;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  onStatus?: (status: SyncStatus) => void;
}

const LOCK_NAME = 'haochaping-sync';
const LATE_FLAGS_PER_UPLOAD = 100;
const CLOCK_OFFSET_KEY = 'clockOffsetMs';
const LAST_SUCCESS_KEY = 'lastSyncSuccessAtMs';
/** An unauthorized device needs a person; retry rarely so the log stays readable. */
const UNAUTHORIZED_RETRY_MS = 5 * 60 * 1000;

/**
 * Moves outcomes from the outbox to the intake. Nothing leaves the outbox before the intake has
 * answered for it; failures back off with jitter (Retry-After honoured); rejected items go to the
 * dead-letter list with the reason. Triggers: a new outcome, the periodic timer, coming online,
 * a manual retry. Only one tab syncs at a time.
 */
export function createSyncEngine(deps: SyncEngineDeps) {
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const policy = deps.backoff ?? DEFAULT_BACKOFF;
  let attempt = 0;
  let timer: unknown;
  let running: Promise<void> | null = null;
  let rerun = false;
  let stopped = true;
  let status: SyncStatus = INITIAL_SYNC_STATUS;
  // A batch the intake refused as too large stays smaller for the engine's life, not one pass.
  let batchSize = deps.batchSize;
  /** The last write of an offset a signed request learnt (noteClockOffset), so writes land in order. */
  let offsetWritten: Promise<void> = Promise.resolve();

  function publish(patch: Partial<SyncStatus>): void {
    status = { ...status, ...patch };
    deps.onStatus?.(status);
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    if (timer !== undefined) clearTimer(timer);
    publish({ nextAttemptAtMs: deps.now() + delayMs });
    timer = setTimer(() => {
      timer = undefined;
      void trigger();
    }, delayMs);
  }

  /**
   * One pass: upload batches until the outbox is empty or an upload fails. While a batch is in
   * flight the next one is read, so the database and the network work side by side.
   */
  async function pass(): Promise<void> {
    // Late flags ride on the pass's first upload, or go alone when the outbox is empty; the
    // batch they ride with leaves room for them under the intake's body limit.
    let lateFlags = await pendingLateFlags(deps.db, LATE_FLAGS_PER_UPLOAD);
    const flagBytes = (flags: typeof lateFlags) => (flags.length > 0 ? utf8Length(JSON.stringify(flags)) + 32 : 0);
    const read = (afterSeq: number, reserved = 0) => nextBatch(deps.db, batchSize, BATCH_MAX_BYTES - 1024 - reserved, afterSeq);
    let batch = await read(0, flagBytes(lateFlags));
    for (;;) {
      // stop() (the intake address changed, the page is closing) ends the pass before the next upload.
      if (stopped) return;
      if (batch.length === 0 && lateFlags.length > 0) {
        const result = await deps.client.uploadBatch([], lateFlags);
        lateFlags = [];
        if (result.kind === 'unauthorized') {
          publish({ state: 'unauthorized', lastError: result.reason });
          return schedule(UNAUTHORIZED_RETRY_MS);
        }
        if (result.kind !== 'ok') return result.kind === 'retry' ? fail(result.reason, result.retryAfterMs) : fail('the intake refused the late flags as too large');
        await applyLateFlagResults(deps.db, result.response.lateFlagResults);
        continue;
      }
      if (batch.length === 0) {
        attempt = 0;
        publish({ state: 'idle', lastError: null });
        schedule(deps.intervalMs);
        return;
      }
      publish({ state: 'syncing' });
      const lastSeq = batch[batch.length - 1]?.seq ?? 0;
      const [result, prefetched] = await Promise.all([deps.client.uploadBatch(batch, lateFlags), read(lastSeq)]);
      switch (result.kind) {
        case 'ok': {
          if (lateFlags.length > 0) await applyLateFlagResults(deps.db, result.response.lateFlagResults);
          lateFlags = [];
          // The acknowledged items leave the outbox in a transaction that writes nothing else,
          // so a device at its storage quota can still shrink its outbox.
          const applied = await applyResults(deps.db, batch, result.response.results, deps.now());
          if (applied.acknowledged + applied.rejected === 0) {
            // An answer that settles nothing must not spin, nor pass for a success.
            return fail('the intake answered for none of the batch');
          }
          const clockOffsetMs = offsetFrom(result.response.serverTimeMs, result.sentAtMs, result.receivedAtMs);
          // After any offset a signed request learnt meanwhile, so the newest measure is the one kept.
          await offsetWritten;
          await deps.db.meta
            .bulkPut([
              { key: CLOCK_OFFSET_KEY, value: clockOffsetMs },
              { key: LAST_SUCCESS_KEY, value: result.receivedAtMs },
            ])
            .catch(() => undefined);
          attempt = 0;
          publish({
            clockOffsetMs,
            lastSuccessAtMs: result.receivedAtMs,
            uploadedTotal: status.uploadedTotal + applied.acknowledged,
            rejectedTotal: status.rejectedTotal + applied.rejected,
          });
          // Items the intake did not answer for stay behind; start again from the oldest then.
          batch = applied.unanswered > 0 ? await read(0) : prefetched;
          continue;
        }
        case 'tooLarge':
          if (batchSize > 1) {
            batchSize = Math.max(1, Math.floor(batchSize / 2));
            batch = await read(0, flagBytes(lateFlags));
            continue;
          }
          return fail('the intake refuses even a single outcome as too large');
        case 'unauthorized':
          publish({ state: 'unauthorized', lastError: result.reason });
          schedule(UNAUTHORIZED_RETRY_MS);
          return;
        case 'retry':
          return fail(result.reason, result.retryAfterMs);
      }
    }
  }

  function fail(reason: string, retryAfterMs?: number): void {
    const delay = backoffDelay(attempt++, deps.random, policy, retryAfterMs);
    publish({ state: 'waiting', lastError: reason });
    schedule(delay);
  }

  async function runExclusive(): Promise<void> {
    if (!deps.locks) return pass();
    await deps.locks.request(LOCK_NAME, { ifAvailable: true }, async (lock) => {
      if (lock === null) {
        publish({ state: 'otherTab' });
        schedule(deps.intervalMs);
        return;
      }
      await pass();
    });
  }

  /** Starts a pass now, or right after the one under way (new outcomes may have arrived). */
  function trigger(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (running) {
      rerun = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          rerun = false;
          await runExclusive();
        } while (rerun && !stopped);
      } catch (error) {
        fail(`local: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        running = null;
      }
    })();
    return running;
  }

  return {
    async start(): Promise<void> {
      stopped = false;
      const [offset, last] = await deps.db.meta.bulkGet([CLOCK_OFFSET_KEY, LAST_SUCCESS_KEY]);
      publish({
        clockOffsetMs: typeof offset?.value === 'number' ? offset.value : null,
        lastSuccessAtMs: typeof last?.value === 'number' ? last.value : null,
      });
      await trigger();
    },
    /**
     * A new outcome is in the outbox. It never cuts a backoff or a Retry-After short: while the
     * engine waits after a failure, the new outcome goes with the upload the timer starts.
     */
    notify: () => (status.state === 'waiting' || status.state === 'unauthorized' ? (running ?? Promise.resolve()) : trigger()),
    /**
     * The intake's clock as a signed request learnt it (a stale refusal answers the intake's time):
     * kept where the uploads' measures are, and what signed requests are stamped by from now on.
     */
    noteClockOffset(clockOffsetMs: number): Promise<void> {
      publish({ clockOffsetMs });
      offsetWritten = offsetWritten.then(() => deps.db.meta.put({ key: CLOCK_OFFSET_KEY, value: clockOffsetMs })).then(
        () => undefined,
        () => undefined,
      );
      return offsetWritten;
    },
    /** Manual retry or coming back online: forget the backoff and go now. */
    retryNow(): Promise<void> {
      attempt = 0;
      if (timer !== undefined) clearTimer(timer);
      timer = undefined;
      return trigger();
    },
    stop(): void {
      stopped = true;
      if (timer !== undefined) clearTimer(timer);
      timer = undefined;
    },
    status: () => status,
    /** Resolves when the pass under way, if any, has finished. */
    idle: () => running ?? Promise.resolve(),
  };
}

export type SyncEngine = ReturnType<typeof createSyncEngine>;
