import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatchResponse, ItemResult } from '../../contract/intakeApi';
import type { Outcome } from '../../contract/outcome';
import { openEvaluatorDb, type EvaluatorDb } from '../data/db';
import { makeInvitation, testContext, recordOutcome } from '../testing/fixtures';
import { seededRandom } from '../../scripts/seededRandom';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff';
import { listDeadLetters, requeueDeadLetter } from './deadLetters';
import type { UploadResult } from './intakeClient';
import { createSyncEngine, type LockManagerLike, type SyncStatus } from './syncEngine';

type Answer = (batch: Outcome[]) => UploadResult;
const accepted = (batch: Outcome[]): UploadResult => ok(batch.map((o) => ({ id: o.id, status: 'accepted' })));
function ok(results: ItemResult[]): UploadResult {
  const response: BatchResponse = { serverTimeMs: 5_000_000, results };
  return { kind: 'ok', response, sentAtMs: 1_000_000, receivedAtMs: 1_000_010 };
}

let dbs: EvaluatorDb[] = [];
afterEach(() => {
  dbs.forEach((db) => db.close());
  dbs = [];
});

async function seeded(count: number) {
  const db = openEvaluatorDb(`sync-${crypto.randomUUID()}`);
  dbs.push(db);
  for (let i = 0; i < count; i++) {
    await recordOutcome(db, makeInvitation(), { outcome: 'rated', level: 5, tags: [], isPublic: true, callback: { requested: false }, input: { method: 'touch', inviteToPressMs: 900 } }, { context: testContext, clockOffsetMs: null, nowMs: Date.now() });
  }
  return db;
}

function harness(db: EvaluatorDb, answers: Answer[], extra: { locks?: LockManagerLike; batchSize?: number } = {}) {
  const batches: Outcome[][] = [];
  const delays: number[] = [];
  const timers: Array<() => void> = [];
  const statuses: SyncStatus[] = [];
  let next = 0;
  const engine = createSyncEngine({
    db,
    client: {
      uploadBatch: async (batch) => {
        batches.push(batch);
        const answer = answers[Math.min(next++, answers.length - 1)];
        if (!answer) throw new Error('no answer scripted');
        return answer(batch);
      },
    },
    now: () => 1_000_000,
    random: seededRandom(7),
    batchSize: extra.batchSize ?? 10,
    intervalMs: 30_000,
    setTimer: (fn, ms) => {
      timers.push(fn);
      return delays.push(ms);
    },
    clearTimer: () => undefined,
    onStatus: (s) => statuses.push(s),
    ...(extra.locks ? { locks: extra.locks } : {}),
  });
  /** Runs the timer the engine armed last, as if its delay had passed. */
  const fireTimer = async () => {
    timers.at(-1)?.();
    await engine.idle();
  };
  return { engine, batches, delays, statuses, fireTimer };
}

describe('sync engine', () => {
  it('drains the outbox in seq order, in batches, and records the intake clock offset', async () => {
    const db = await seeded(25);
    const { engine, batches, statuses } = harness(db, [accepted]);
    await engine.start();
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat().map((o) => o.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(await db.outbox.count()).toBe(0);
    const last = statuses.at(-1);
    expect(last).toMatchObject({ state: 'idle', uploadedTotal: 25, clockOffsetMs: 5_000_000 - 1_000_005 });
    expect((await db.meta.get('clockOffsetMs'))?.value).toBe(3_999_995);
  });

  it('keeps everything when uploads fail, and backs off with growing jittered delays, counting failures only', async () => {
    const db = await seeded(3);
    const { engine, delays, batches, fireTimer } = harness(db, [() => ({ kind: 'retry', reason: 'HTTP 500' })]);
    await engine.start();
    for (let i = 0; i < 4; i++) await fireTimer();
    expect(await db.outbox.count()).toBe(3);
    expect(batches).toHaveLength(5);
    const random = seededRandom(7);
    expect(delays).toEqual([0, 1, 2, 3, 4].map((n) => backoffDelay(n, random, DEFAULT_BACKOFF)));
    expect(engine.status()).toMatchObject({ state: 'waiting', lastError: 'HTTP 500' });
  });

  it('new outcomes never cut a backoff short: Retry-After 600 s and ten ratings meanwhile make no upload until the timer', async () => {
    const db = await seeded(1);
    const { engine, batches, delays, fireTimer } = harness(db, [() => ({ kind: 'retry', reason: 'HTTP 429', retryAfterMs: 600_000 }), accepted]);
    await engine.start();
    expect(batches).toHaveLength(1);
    expect(delays).toHaveLength(1);
    for (let i = 0; i < 10; i++) {
      await recordOutcome(db, makeInvitation(), { outcome: 'rated', level: 4, tags: [], isPublic: true, callback: { requested: false }, input: { method: 'touch', inviteToPressMs: 900 } }, { context: testContext, clockOffsetMs: null, nowMs: Date.now() });
      await engine.notify();
    }
    expect(batches).toHaveLength(1);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(600_000);
    await fireTimer();
    expect(batches.map((b) => b.length)).toEqual([1, 10, 1]);
    expect(await db.outbox.count()).toBe(0);
  });

  it('stop() ends a pass before its next upload: nothing more goes to an intake the device left', async () => {
    const db = await seeded(30);
    let engine: ReturnType<typeof createSyncEngine> | null = null;
    const { engine: created, batches } = harness(db, [
      (batch) => {
        engine?.stop();
        return accepted(batch);
      },
    ]);
    engine = created;
    await created.start();
    await created.idle();
    // The batch in flight was answered, so it leaves the outbox; nothing after it was sent.
    expect(batches).toHaveLength(1);
    expect(await db.outbox.count()).toBe(20);
  });

  it('an answer that settles nothing neither counts as a success nor moves the clock offset', async () => {
    const db = await seeded(2);
    const { engine } = harness(db, [() => ok([])]);
    await engine.start();
    expect(engine.status()).toMatchObject({ state: 'waiting', lastSuccessAtMs: null, clockOffsetMs: null });
    expect(await db.meta.get('clockOffsetMs')).toBeUndefined();
    expect(await db.meta.get('lastSyncSuccessAtMs')).toBeUndefined();
  });

  it('never waits less than Retry-After', async () => {
    const db = await seeded(1);
    const { engine, delays } = harness(db, [() => ({ kind: 'retry', reason: 'HTTP 429', retryAfterMs: 120_000 })]);
    await engine.start();
    expect(delays[0]).toBeGreaterThanOrEqual(120_000);
  });

  it('moves rejected items to the dead-letter list with the reason; duplicates count as delivered', async () => {
    const db = await seeded(4);
    const { engine } = harness(db, [
      (batch) =>
        ok([
          { id: batch[0]!.id, status: 'accepted' },
          { id: batch[1]!.id, status: 'duplicate' },
          { id: batch[2]!.id, status: 'rejected', code: 'invalid', reason: 'tags.0: bad code' },
          { id: batch[3]!.id, status: 'rejected', code: 'conflict', reason: 'same id, different body' },
        ]),
    ]);
    await engine.start();
    expect(await db.outbox.count()).toBe(0);
    const letters = await listDeadLetters(db);
    expect(letters.map((l) => [l.seq, l.code, l.reason])).toEqual([
      [3, 'invalid', 'tags.0: bad code'],
      [4, 'conflict', 'same id, different body'],
    ]);
    expect(engine.status()).toMatchObject({ uploadedTotal: 2, rejectedTotal: 2 });
    expect(await requeueDeadLetter(db, letters[0]!.id)).toBe(true);
    expect(await db.outbox.count()).toBe(1);
    expect(await db.deadLetters.count()).toBe(1);
  });

  it('leaves items the intake did not answer for, and does not spin on an empty answer', async () => {
    const db = await seeded(3);
    const { engine, batches } = harness(db, [(batch) => ok([{ id: batch[0]!.id, status: 'accepted' }]), () => ok([])]);
    await engine.start();
    expect(batches.map((b) => b.map((o) => o.seq))).toEqual([[1, 2, 3], [2, 3]]);
    expect(await db.outbox.count()).toBe(2);
    expect(engine.status().state).toBe('waiting');
  });

  it('halves the batch when the intake says it is too large, and the smaller size lasts beyond the pass', async () => {
    const db = await seeded(10);
    const { engine, batches, fireTimer } = harness(db, [() => ({ kind: 'tooLarge' }), accepted], { batchSize: 8 });
    await engine.start();
    expect(batches.map((b) => b.length)).toEqual([8, 4, 4, 2]);
    expect(await db.outbox.count()).toBe(0);
    for (let i = 0; i < 6; i++) await recordOutcome(db, makeInvitation(), { outcome: 'rated', level: 4, tags: [], isPublic: true, callback: { requested: false }, input: { method: 'touch', inviteToPressMs: 900 } }, { context: testContext, clockOffsetMs: null, nowMs: Date.now() });
    await fireTimer();
    expect(batches.slice(4).map((b) => b.length)).toEqual([4, 2]);
  });

  it('a full batch leaves room for the late flags that ride with it', async () => {
    const db = await seeded(3);
    const flags = Array.from({ length: 100 }, (_, i) => ({ outcomeId: `019a0000-0000-7000-8000-${String(i).padStart(12, '0')}`, flag: 'press-burst' as const, count: 2 }));
    await db.lateFlags.bulkPut(flags);
    const { stripLocal } = await import('../data/outbox');
    const { utf8Length } = await import('./outboxBatches');
    const outcomeBytes = utf8Length(JSON.stringify(stripLocal((await db.outbox.orderBy('seq').first())!)));
    const flagBytes = JSON.stringify(flags).length;
    const { BATCH_MAX_BYTES } = await import('../../contract/intakeApi');
    // A batch size that would fill the body limit with outcomes alone, were the flags not counted.
    const fits = Math.floor((BATCH_MAX_BYTES - 1024) / (outcomeBytes + 1));
    const sent: Array<{ outcomes: number; bytes: number }> = [];
    const engine = createSyncEngine({
      db,
      client: {
        uploadBatch: async (batch, lateFlags = []) => {
          sent.push({ outcomes: batch.length, bytes: new TextEncoder().encode(JSON.stringify({ deviceId: 'test-pad-a01', outcomes: batch, lateFlags })).length });
          return { kind: 'ok', response: { serverTimeMs: 1, results: batch.map((o) => ({ id: o.id, status: 'accepted' })), lateFlagResults: lateFlags.map((f) => ({ outcomeId: f.outcomeId, status: 'unknown_outcome' })) }, sentAtMs: 1, receivedAtMs: 2 };
        },
      },
      now: () => 1_000_000,
      random: seededRandom(7),
      batchSize: fits,
      intervalMs: 30_000,
      setTimer: () => undefined,
      clearTimer: () => undefined,
    });
    // Enough rows of the same size for a full batch (copies: the size is what this is about).
    const first = (await db.outbox.orderBy('seq').first())!;
    await db.outbox.bulkAdd(Array.from({ length: fits }, (_, i) => ({ ...first, seq: 100 + i, id: crypto.randomUUID(), slot: `copy-${i}` })));
    await engine.start();
    expect(flagBytes).toBeGreaterThan(1000);
    for (const upload of sent) expect(upload.bytes).toBeLessThanOrEqual(BATCH_MAX_BYTES);
    expect(sent[0]!.outcomes).toBeLessThan(fits);
    expect(await db.outbox.count()).toBe(0);
  });

  it('stops and says so when the device is not authorised', async () => {
    const db = await seeded(2);
    const { engine, delays } = harness(db, [() => ({ kind: 'unauthorized', reason: 'HTTP 401: unknown device' })]);
    await engine.start();
    expect(engine.status()).toMatchObject({ state: 'unauthorized', lastError: 'HTTP 401: unknown device' });
    expect(delays).toEqual([5 * 60 * 1000]);
    expect(await db.outbox.count()).toBe(2);
  });

  it('lets only the tab holding the lock upload', async () => {
    const db = await seeded(2);
    const busy: LockManagerLike = { request: (_name, _opts, callback) => callback(null) };
    const { engine, batches } = harness(db, [accepted], { locks: busy });
    await engine.start();
    expect(batches).toEqual([]);
    expect(engine.status().state).toBe('otherTab');
  });
});

describe('contiguousRuns', () => {
  it('groups numbers into sorted runs and ignores repeats', async () => {
    const { contiguousRuns } = await import('./outboxBatches');
    expect(contiguousRuns([8, 1, 3, 2, 7, 3, 10])).toEqual([[1, 3], [7, 8], [10, 10]]);
    expect(contiguousRuns([])).toEqual([]);
  });
});

describe('utf8Length', () => {
  it('matches TextEncoder for ASCII, Chinese, Uyghur, Tibetan and astral characters', async () => {
    const { utf8Length } = await import('./outboxBatches');
    for (const text of ['', 'abc', '非常不满意', 'ئۇيغۇرچە', 'བོད་ཡིག', '𠀀😀x', 'é']) {
      expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
    }
  });

  it('sends late flags with the next upload, forgets them once attached, and holds those of dead-lettered outcomes', async () => {
    const db = await seeded(2);
    const [first, second] = await db.outbox.orderBy('seq').toArray();
    await db.lateFlags.bulkPut([
      { outcomeId: first!.id, flag: 'press-burst', count: 4 },
      { outcomeId: second!.id, flag: 'press-burst', count: 2 },
    ]);
    const sentFlags: string[][] = [];
    const engine = createSyncEngine({
      db,
      client: {
        uploadBatch: async (batch, lateFlags = []) => {
          sentFlags.push(lateFlags.map((f) => f.outcomeId));
          const results: ItemResult[] = batch.map((o) => (o.id === second!.id ? { id: o.id, status: 'rejected', code: 'tampered', reason: 'edited' } : { id: o.id, status: 'accepted' }));
          return { kind: 'ok', response: { serverTimeMs: 1, results, lateFlagResults: lateFlags.map((f) => ({ outcomeId: f.outcomeId, status: f.outcomeId === second!.id ? 'unknown_outcome' : 'attached' })) }, sentAtMs: 1, receivedAtMs: 2 };
        },
      },
      now: () => 1_000_000,
      random: seededRandom(7),
      batchSize: 10,
      intervalMs: 30_000,
      setTimer: () => undefined,
      clearTimer: () => undefined,
      onStatus: () => undefined,
    });
    await engine.start();
    expect(sentFlags[0]?.sort()).toEqual([first!.id, second!.id].sort());
    expect((await db.lateFlags.toArray()).map((f) => f.outcomeId)).toEqual([second!.id]);
    await engine.notify();
    await engine.notify();
    expect(sentFlags).toHaveLength(1); // the held flag does not go up alone, again and again
  });
});
