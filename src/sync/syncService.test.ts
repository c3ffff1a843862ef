import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeviceContext } from '../../contract/hallConfig';
import { keyIdOf } from '../../contract/keyId';
import { openEvaluatorDb, type EvaluatorDb } from '../data/db';
import { exportPublicKey, loadOrCreateDeviceKey, pruneRetiredKeys, retiredKeyIds } from '../device/deviceKey';
import { makeInvitation, recordOutcome, testContext } from '../testing/fixtures';
import { startSyncService } from './syncService';

const FIRST = 'first-provisioned-token-0001';
const SECOND = 'reprovisioned-token-0002';
const ending = { outcome: 'rated' as const, level: 4 as const, tags: [], isPublic: true, callback: { requested: false }, input: { method: 'touch' as const, inviteToPressMs: 1200 } };
const record = (db: EvaluatorDb) => recordOutcome(db, makeInvitation(), ending, { context: testContext, clockOffsetMs: null, nowMs: Date.now() });
const withToken = (token: string): DeviceContext => ({ ...testContext, intake: { url: 'http://intake.test', batchSize: 100, syncIntervalSec: 3600, enrolmentToken: token } });

/** An intake that enrols every key it is given and answers nothing else (uploads stay in the outbox). */
function fakeIntake() {
  const enrolled: Array<{ token: string; publicKey: string }> = [];
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.pathname === '/v1/devices' && init?.method === 'POST') {
      const body = JSON.parse(String(init.body)) as { enrolmentToken: string; publicKey: string };
      enrolled.push({ token: body.enrolmentToken, publicKey: body.publicKey });
      return new Response(JSON.stringify({ deviceId: testContext.device.id, enrolledAt: new Date().toISOString(), serverTimeMs: Date.now() }), { status: 201 });
    }
    return new Response('unavailable', { status: 503 });
  });
  return enrolled;
}

let dbs: EvaluatorDb[] = [];
let stops: Array<() => void> = [];
afterEach(() => {
  stops.forEach((stop) => stop());
  stops = [];
  dbs.forEach((db) => db.close());
  dbs = [];
  vi.unstubAllGlobals();
});

async function enrolledDevice() {
  const enrolled = fakeIntake();
  const db = openEvaluatorDb(`sync-service-${crypto.randomUUID()}`);
  dbs.push(db);
  const first = startSyncService({ db, context: withToken(FIRST), now: Date.now, onStatus: () => undefined })!;
  await first.enrolled;
  first.stop();
  return { db, enrolled, oldKey: await exportPublicKey(await loadOrCreateDeviceKey(db)) };
}

describe('key rotation on the device', () => {
  it('waits until the rating flow is idle, then rotates', { timeout: 30_000 }, async () => {
    const { db, enrolled, oldKey } = await enrolledDevice();
    let idle = false;
    const service = startSyncService({ db, context: withToken(SECOND), now: Date.now, onStatus: () => undefined, isIdle: () => idle })!;
    stops.push(() => service.stop());
    await service.enrolled;
    expect(enrolled.map((e) => e.token)).toEqual([FIRST]);
    expect(await exportPublicKey(await loadOrCreateDeviceKey(db))).toBe(oldKey);
    idle = true;
    await expect.poll(() => enrolled.length, { timeout: 10_000 }).toBe(2);
    await expect.poll(async () => exportPublicKey(await loadOrCreateDeviceKey(db))).toBe(enrolled[1]!.publicKey);
  });

  it('does not wait for an empty outbox: the old key is kept while outcomes it signed wait, and deleted once none does', { timeout: 30_000 }, async () => {
    const { db, enrolled, oldKey } = await enrolledDevice();
    const oldId = await keyIdOf(oldKey);
    const waiting = [await record(db), await record(db)];
    expect(waiting.map((o) => o.keyId)).toEqual([oldId, oldId]);
    const service = startSyncService({ db, context: withToken(SECOND), now: Date.now, onStatus: () => undefined, isIdle: () => true })!;
    stops.push(() => service.stop());
    await service.enrolled;
    expect(enrolled.map((e) => e.token)).toEqual([FIRST, SECOND]);
    const newId = await keyIdOf(enrolled[1]!.publicKey);
    expect(await retiredKeyIds(db)).toEqual([oldId]);
    expect((await record(db)).keyId).toBe(newId);

    // One old-key outcome acknowledged, one moved to the dead letters (a person may requeue it): kept.
    await db.outbox.delete(waiting[0]!.seq);
    const letter = (await db.outbox.get(waiting[1]!.seq))!;
    await db.transaction('rw', db.outbox, db.deadLetters, async () => {
      await db.deadLetters.add({ ...letter, rejectedAtMs: Date.now(), code: 'invalid', reason: 'test' });
      await db.outbox.delete(letter.seq);
    });
    expect(await pruneRetiredKeys(db)).toEqual([]);
    expect(await retiredKeyIds(db)).toEqual([oldId]);
    await db.deadLetters.clear();
    // New-key outcomes still waiting do not keep the old key.
    expect(await pruneRetiredKeys(db)).toEqual([oldId]);
    expect(await retiredKeyIds(db)).toEqual([]);
    expect(await db.outbox.count()).toBe(1);
  });

  it('a reload mid-enrolment enrols the same pending pair again, not a second one', { timeout: 30_000 }, async () => {
    const { db, enrolled } = await enrolledDevice();
    let answer: (() => void) | null = null;
    let presented = '';
    const realFetch = globalThis.fetch;
    // The first rotation attempt never hears back (the page is closed meanwhile).
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
      if (answer !== null || init?.method !== 'POST' || !String(input).endsWith('/v1/devices')) return realFetch(input, init);
      presented = (JSON.parse(String(init.body)) as { publicKey: string }).publicKey;
      return new Promise<Response>((resolve) => (answer = () => resolve(new Response('', { status: 503 }))));
    });
    const first = startSyncService({ db, context: withToken(SECOND), now: Date.now, onStatus: () => undefined })!;
    await expect.poll(() => answer !== null).toBe(true);
    first.stop();
    vi.stubGlobal('fetch', realFetch);
    const second = startSyncService({ db, context: withToken(SECOND), now: Date.now, onStatus: () => undefined })!;
    stops.push(() => second.stop());
    await second.enrolled;
    (answer as unknown as () => void)();
    const pending = (await db.meta.get('pendingKeyPair')) ?? null;
    expect(pending).toBeNull();
    expect(enrolled.map((e) => e.token)).toEqual([FIRST, SECOND]);
    expect(enrolled[1]!.publicKey).toBe(presented);
    expect(await exportPublicKey(await loadOrCreateDeviceKey(db))).toBe(presented);
  });
});
