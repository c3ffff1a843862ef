import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceStatusMessage } from '../../contract/bridgeMessages';
import { HeartbeatSchema, type Heartbeat } from '../../contract/heartbeat';
import { GENESIS_HASH } from '../../contract/outcomeChain';
import { DEVICE_ID_HEADER, requestSigningPayload, NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../contract/requestSignature';
import { openEvaluatorDb, type EvaluatorDb } from '../data/db';
import { makeInvitation, recordOutcome, testContext } from '../testing/fixtures';
import { readHeartbeat, startHeartbeats, type HeartbeatOutcome, type HeartbeatSources } from './heartbeat';
import { createIntakeClient, type HeartbeatResult } from './intakeClient';

const NOW = 1_800_000_000_000;
const ending = { outcome: 'rated' as const, level: 5 as const, tags: [], isPublic: true, callback: { requested: false }, input: { method: 'touch' as const, inviteToPressMs: 900 } };

let dbs: EvaluatorDb[] = [];
afterEach(() => {
  dbs.forEach((db) => db.close());
  dbs = [];
});

async function deviceDb(outcomes: number) {
  const db = openEvaluatorDb(`heartbeat-${crypto.randomUUID()}`);
  dbs.push(db);
  const recorded = [];
  for (let i = 0; i < outcomes; i++) recorded.push(await recordOutcome(db, makeInvitation(), ending, { context: testContext, clockOffsetMs: null, nowMs: Date.now() }));
  return { db, recorded };
}

const serialBox: DeviceStatusMessage = { connected: true, online: true, path: '/dev/ttyUSB0', info: null, counters: { presses: 3 }, lastError: null };

function sources(db: EvaluatorDb, patch: Partial<HeartbeatSources> = {}): HeartbeatSources {
  return { db, context: testContext, now: () => NOW, appVersion: '1.4.0+abc123', clockOffsetMs: () => -1_250, ratingDevice: () => null, ...patch };
}

describe('a heartbeat read from the device database', () => {
  it('of a device that never rated: the genesis head, an empty outbox, no dead letters', async () => {
    const { db } = await deviceDb(0);
    const beat = await readHeartbeat(sources(db));
    expect(HeartbeatSchema.parse(beat)).toEqual({
      deviceId: testContext.device.id,
      hallCode: testContext.hall.code,
      sentAtMs: NOW,
      clockOffsetMs: -1_250,
      appVersion: '1.4.0+abc123',
      chainHead: { seq: 0, hash: GENESIS_HASH },
      outbox: { depth: 0, oldestUnsentAgeMs: null, deadLetters: 0 },
      storage: null,
      ratingDevice: null,
    });
  });

  it('names the chain head, the queue depth, the oldest unsent age (first by seq) and the dead letters', async () => {
    const { db, recorded } = await deviceDb(4);
    // Stored times set by hand: seq 1 went to the dead letters, seq 2 is the oldest still queued.
    await db.outbox.update(2, { storedAtMs: NOW - 90_000 });
    await db.outbox.update(3, { storedAtMs: NOW - 60_000 });
    await db.outbox.update(4, { storedAtMs: NOW - 30_000 });
    const first = (await db.outbox.get(1))!;
    await db.deadLetters.add({ ...first, rejectedAtMs: NOW - 5_000, code: 'bad_signature', reason: 'refused' });
    await db.outbox.delete(1);

    const beat = HeartbeatSchema.parse(await readHeartbeat(sources(db)));
    expect(beat.chainHead).toEqual({ seq: 4, hash: recorded[3]!.hash });
    expect(beat.outbox).toEqual({ depth: 3, oldestUnsentAgeMs: 90_000, deadLetters: 1 });
  });

  it('counts a row stored "in the future" (the clock was set back) as no age, not a negative one', async () => {
    const { db } = await deviceDb(1);
    await db.outbox.update(1, { storedAtMs: NOW + 60_000 });
    expect((await readHeartbeat(sources(db))).outbox.oldestUnsentAgeMs).toBe(0);
  });

  it('carries the storage estimate in whole bytes, and null when the browser gives none or fails', async () => {
    const { db } = await deviceDb(0);
    const estimate = (result: StorageEstimate | Error) => ({ estimate: async () => (result instanceof Error ? Promise.reject(result) : result) });
    expect((await readHeartbeat(sources(db, { storage: estimate({ usage: 1234.6, quota: 5e9 }) }))).storage).toEqual({ usageBytes: 1235, quotaBytes: 5e9 });
    expect((await readHeartbeat(sources(db, { storage: estimate({}) }))).storage).toBeNull();
    expect((await readHeartbeat(sources(db, { storage: estimate(new Error('SecurityError')) }))).storage).toBeNull();
  });

  it('reports the serial box as the host last did: offline when not heard from or not connected, null without one', async () => {
    const { db } = await deviceDb(0);
    const device = async (status: DeviceStatusMessage | null) => (await readHeartbeat(sources(db, { ratingDevice: () => status }))).ratingDevice;
    expect(await device(serialBox)).toEqual({ online: true, lastPressAtMs: null, missedHeartbeats: 0 });
    expect(await device({ ...serialBox, online: false })).toMatchObject({ online: false });
    expect(await device({ ...serialBox, connected: false })).toMatchObject({ online: false });
    expect(await device({ ...serialBox, counters: { presses: 3, lastPressAtMs: NOW - 4_000, missedHeartbeats: 7 } })).toEqual({ online: true, lastPressAtMs: NOW - 4_000, missedHeartbeats: 7 });
    expect(await device(null)).toBeNull();
  });
});

/** A sender on a fake timer and a scripted client; `tick()` runs the armed timer as if its delay passed. */
function harness(db: EvaluatorDb, answer: (n: number) => Promise<HeartbeatResult>) {
  const sent: Heartbeat[] = [];
  const outcomes: HeartbeatOutcome[] = [];
  const armed: Array<{ fn: () => void; ms: number; handle: number }> = [];
  const cleared: unknown[] = [];
  let now = NOW;
  const sender = startHeartbeats({
    ...sources(db, { now: () => now }),
    client: { heartbeat: async (body) => (sent.push(body), answer(sent.length)) },
    intervalMs: 60_000,
    setTimer: (fn, ms) => {
      const handle = armed.length + 1;
      armed.push({ fn, ms, handle });
      return handle;
    },
    clearTimer: (handle) => void cleared.push(handle),
    onHeartbeat: (outcome) => outcomes.push(outcome),
  });
  const tick = async () => {
    await sender.idle();
    now += 60_000;
    armed.at(-1)!.fn();
    await sender.idle();
  };
  return { sender, sent, outcomes, armed, cleared, tick };
}

const accepted = async (): Promise<HeartbeatResult> => ({ kind: 'ok', serverTimeMs: NOW });
const failing = async (): Promise<HeartbeatResult> => ({ kind: 'failed', reason: 'network: offline' });

describe('the heartbeat sender', () => {
  it('sends one at once, then one per interval, each built fresh', async () => {
    const { db } = await deviceDb(1);
    const { sender, sent, armed, outcomes, tick } = harness(db, accepted);
    await sender.idle();
    expect(sent.map((b) => b.chainHead.seq)).toEqual([1]);
    await recordOutcome(db, makeInvitation(), ending, { context: testContext, clockOffsetMs: null, nowMs: Date.now() });
    await tick();
    await tick();
    expect(sent.map((b) => [b.chainHead.seq, b.sentAtMs])).toEqual([
      [1, NOW],
      [2, NOW + 60_000],
      [2, NOW + 120_000],
    ]);
    expect(armed.map((t) => t.ms)).toEqual([60_000, 60_000, 60_000]);
    expect(outcomes.map((o) => o.kind)).toEqual(['sent', 'sent', 'sent']);
    sender.stop();
  });

  it('drops a heartbeat that fails: after five failures and recovery, exactly one per tick', async () => {
    const { db } = await deviceDb(2);
    const { sender, sent, outcomes, tick } = harness(db, (n) => (n <= 5 ? failing() : accepted()));
    for (let i = 0; i < 4; i++) await tick();
    expect(sent).toHaveLength(5);
    expect(outcomes).toEqual(Array.from({ length: 5 }, () => ({ kind: 'dropped', reason: 'network: offline' })));
    await tick();
    expect(sent).toHaveLength(6);
    await tick();
    expect(sent).toHaveLength(7);
    // Nothing of the failed ones was kept to send later: each one sent is that tick's own.
    expect(sent.map((b) => b.sentAtMs)).toEqual(Array.from({ length: 7 }, (_, i) => NOW + i * 60_000));
    expect(outcomes.slice(5).map((o) => o.kind)).toEqual(['sent', 'sent']);
    sender.stop();
  });

  it('sends none on a tick that finds the last one still on its way', async () => {
    const { db } = await deviceDb(0);
    let release = () => {};
    const { sender, sent, armed } = harness(db, (n) => (n === 1 ? new Promise((resolve) => (release = () => resolve({ kind: 'ok', serverTimeMs: NOW }))) : accepted()));
    await expect.poll(() => sent.length).toBe(1);
    armed.at(-1)!.fn();
    armed.at(-1)!.fn();
    expect(sent).toHaveLength(1);
    release();
    await sender.idle();
    armed.at(-1)!.fn();
    await sender.idle();
    expect(sent).toHaveLength(2);
    sender.stop();
  });

  it('stopped mid-send, leaves no timer and reports nothing more', async () => {
    const { db } = await deviceDb(0);
    let release = () => {};
    const { sender, sent, armed, cleared, outcomes } = harness(db, () => new Promise((resolve) => (release = () => resolve({ kind: 'ok', serverTimeMs: NOW }))));
    await expect.poll(() => sent.length).toBe(1);
    sender.stop();
    expect(cleared).toEqual([armed.at(-1)!.handle]);
    release();
    await sender.idle();
    expect(armed).toHaveLength(1);
    expect(outcomes).toEqual([]);
  });

  it('a local failure (the database is gone) is dropped like a network one, and the cadence goes on', async () => {
    const { db } = await deviceDb(0);
    db.close();
    const { sender, sent, outcomes, armed, tick } = harness(db, accepted);
    await sender.idle();
    await tick();
    expect(sent).toEqual([]);
    expect(outcomes.map((o) => o.kind)).toEqual(['dropped', 'dropped']);
    expect(armed).toHaveLength(2);
    sender.stop();
  });
});

describe('the intake client heartbeat', () => {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  function client(answer: (n: number) => Response | Promise<Response>) {
    const requests: Array<{ url: URL; method: string; headers: Record<string, string>; body: string }> = [];
    const signed: Array<{ ts: number; payload: string }> = [];
    const learnt: number[] = [];
    let offset: number | null = -2_000;
    const intake = createIntakeClient({
      baseUrl: 'https://intake.example/',
      deviceId: testContext.device.id,
      now: () => NOW,
      sign: async (ts, payload) => (signed.push({ ts, payload }), `sig-${signed.length}`),
      clock: { offsetMs: () => offset, learn: (ms) => void (learnt.push(ms), (offset = ms)) },
      fetch: (async (input: URL | RequestInfo, init?: RequestInit) => {
        requests.push({ url: new URL(String(input)), method: init?.method ?? 'GET', headers: init?.headers as Record<string, string>, body: String(init?.body ?? '') });
        return answer(requests.length);
      }) as typeof fetch,
    });
    return { intake, requests, signed, learnt };
  }

  it('posts the heartbeat signed to the device route; a 202 teaches the clock nothing', async () => {
    const { db } = await deviceDb(1);
    const beat = await readHeartbeat(sources(db));
    const { intake, requests, signed, learnt } = client(() => json(202, { serverTimeMs: NOW + 9 * 3_600_000 }));
    expect(await intake.heartbeat(beat)).toEqual({ kind: 'ok', serverTimeMs: NOW + 9 * 3_600_000 });
    expect(learnt).toEqual([]);
    const [request] = requests;
    expect(request?.method).toBe('POST');
    expect(request?.url.pathname).toBe(`/v1/devices/${testContext.device.id}/heartbeats`);
    expect(JSON.parse(request!.body)).toEqual(beat);
    expect(request?.headers[DEVICE_ID_HEADER]).toBe(testContext.device.id);
    expect(request?.headers[TIMESTAMP_HEADER]).toBe(String(NOW - 2_000));
    expect(request?.headers[SIGNATURE_HEADER]).toBe('sig-1');
    expect(signed[0]?.payload).toBe(
      requestSigningPayload({ method: 'POST', pathWithQuery: request!.url.pathname, deviceId: testContext.device.id, nonce: request!.headers[NONCE_HEADER]!, bodySha256: sha256(request!.body) }),
    );
  });

  it('a stale refusal is learnt from and sent once more, like any signed request', async () => {
    const { db } = await deviceDb(0);
    const { intake, requests, learnt } = client((n) => (n === 1 ? json(401, { error: { code: 'stale_request', message: 'stale' }, serverTimeMs: NOW + 600_000 }) : json(202, { serverTimeMs: NOW + 600_000 })));
    expect(await intake.heartbeat(await readHeartbeat(sources(db)))).toMatchObject({ kind: 'ok' });
    expect(learnt).toEqual([600_000]);
    expect(requests.map((r) => r.headers[TIMESTAMP_HEADER])).toEqual([String(NOW - 2_000), String(NOW + 600_000)]);
  });

  it('fails, without throwing, on any other answer or no answer', async () => {
    const { db } = await deviceDb(0);
    const beat = await readHeartbeat(sources(db));
    expect(await client(() => json(200, { serverTimeMs: NOW })).intake.heartbeat(beat)).toEqual({ kind: 'failed', reason: 'HTTP 200' });
    expect(await client(() => json(503, { error: 'busy' })).intake.heartbeat(beat)).toEqual({ kind: 'failed', reason: 'HTTP 503' });
    expect(await client(() => json(202, { ok: true })).intake.heartbeat(beat)).toMatchObject({ kind: 'failed' });
    expect(await client(() => Promise.reject(new TypeError('fetch failed'))).intake.heartbeat(beat)).toEqual({ kind: 'failed', reason: 'network: fetch failed' });
  });
});
