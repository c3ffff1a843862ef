import 'fake-indexeddb/auto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeviceContext } from '../contract/hallConfig';
import { keyIdOf } from '../contract/keyId';
import { startIntake, type RunningIntake } from '../intake/server';
import { listAudit } from '../src/data/auditLog';
import { openEvaluatorDb, type EvaluatorDb } from '../src/data/db';
import { createOutcomeRecorder, sealOutcome } from '../src/data/outbox';
import { base64url, exportPublicKey, loadOrCreateDeviceKey, retiredKeyIds } from '../src/device/deviceKey';
import type { ChainHead } from '../src/data/db';
import type { LockManagerLike } from '../src/sync/syncEngine';
import { startSyncService } from '../src/sync/syncService';
import { makeInvitation, recordOutcome, testContext } from '../src/testing/fixtures';

/**
 * Key rotation against the real intake, with the device's own code on fake-indexeddb: ratings
 * recorded while the new key is being enrolled are signed with the old key, carry its id, and
 * are accepted after the intake switched; two tabs rotate once.
 */
const DEVICE = testContext.device.id;
const ending = { outcome: 'rated' as const, level: 5 as const, tags: [], isPublic: true, callback: { requested: false }, input: { method: 'touch' as const, inviteToPressMs: 1500 } };
const record = (db: EvaluatorDb) => recordOutcome(db, makeInvitation(), ending, { context: testContext, clockOffsetMs: null, nowMs: Date.now() });

let intake: RunningIntake | undefined;
let dbs: EvaluatorDb[] = [];
let stops: Array<() => void> = [];
afterEach(async () => {
  stops.forEach((stop) => stop());
  stops = [];
  dbs.forEach((db) => db.close());
  dbs = [];
  vi.unstubAllGlobals();
  await intake?.close();
  intake = undefined;
});

const ENROL = 'first-enrolment-token-0001';
const ROTATE = 'rotation-token-000000002';

/** One device per test, each on an intake of its own (a device is enrolled once). */
async function freshIntake(enrol = ENROL, rotate = ROTATE): Promise<RunningIntake> {
  intake = await startIntake({
    dbFile: path.join(mkdtempSync(path.join(tmpdir(), 'key-rotation-')), 'i.sqlite'),
    port: 0,
    corsOrigins: [],
    enrolmentTokens: [
      { token: enrol, deviceId: DEVICE, hallCode: testContext.hall.code, purpose: 'enrol', expiresAtMs: Date.now() + 600_000 },
      { token: rotate, deviceId: DEVICE, hallCode: testContext.hall.code, purpose: 'rotate', expiresAtMs: Date.now() + 600_000 },
    ],
    log: () => undefined,
  });
  return intake;
}

const live = () => intake!;
const withToken = (t: string): DeviceContext => ({ ...testContext, intake: { url: live().origin, batchSize: 100, syncIntervalSec: 3600, enrolmentToken: t } });
const outcomeRows = () => live().db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM outcomes WHERE device_id = ?').get(DEVICE)?.n ?? 0;
const events = () => live().db.prepare<[string], { kind: string }>('SELECT kind FROM integrity_events WHERE device_id = ? ORDER BY rowid').all(DEVICE).map((e) => e.kind);
const flagged = () => live().db.prepare<[string], { flagged_at: number | null }>('SELECT flagged_at FROM devices WHERE device_id = ?').get(DEVICE)?.flagged_at ?? null;
const intakeKey = () => live().db.prepare<[string], { public_key: string }>('SELECT public_key FROM devices WHERE device_id = ?').get(DEVICE)?.public_key;

/** fetch as it is, except that the answer to a key enrolment is held (the intake has switched already) until released. */
function holdEnrolmentAnswers() {
  const real = globalThis.fetch;
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const held: string[] = [];
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const response = await real(input, init);
    if (url.pathname === '/v1/devices' && init?.method === 'POST') {
      held.push(JSON.parse(String(init.body)).publicKey);
      await released;
    }
    return response;
  });
  return { release, held };
}

/** A signer that names `keyId` and signs with `pair`. */
function signerOf(pair: CryptoKeyPair, keyId: string) {
  const sign = async (bytes: Uint8Array) => base64url(new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, pair.privateKey, bytes as BufferSource)));
  return Object.assign(sign, { keyed: async () => ({ keyId, sign }) });
}

/** Web Locks as one browser gives them to all its tabs: exclusive, waiting in order. */
function sharedLocks(): LockManagerLike & { granted: string[] } {
  const tails = new Map<string, Promise<unknown>>();
  const granted: string[] = [];
  return {
    granted,
    request<T>(name: string, _options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T> {
      const run = (tails.get(name) ?? Promise.resolve()).then(() => {
        granted.push(name);
        return callback({ name });
      });
      tails.set(name, run.catch(() => undefined));
      return run;
    },
  };
}

async function enrolledDevice(enrol: string) {
  const db = openEvaluatorDb(`key-rotation-${crypto.randomUUID()}`);
  dbs.push(db);
  const first = startSyncService({ db, context: withToken(enrol), now: Date.now, onStatus: () => undefined })!;
  await first.enrolled;
  await record(db);
  await first.engine.retryNow();
  await expect.poll(outcomeRows).toBe(1);
  first.stop();
  return { db, oldKey: await exportPublicKey(await loadOrCreateDeviceKey(db)) };
}

describe('key rotation against the real intake', () => {
  it('ratings recorded while the new key is enrolled are signed with the old key and all accepted: none dead-lettered, no integrity event, no flag', { timeout: 60_000 }, async () => {
    await freshIntake();
    const { db, oldKey } = await enrolledDevice(ENROL);
    const oldId = await keyIdOf(oldKey);
    const oldPair = await loadOrCreateDeviceKey(db);

    const enrolment = holdEnrolmentAnswers();
    // Booted mid-rating: the engine runs on the old key, the rotation waits for the idle screen.
    let idle = false;
    const service = startSyncService({ db, context: withToken(ROTATE), now: Date.now, onStatus: () => undefined, isIdle: () => idle })!;
    stops.push(() => service.stop());
    await service.enrolled;
    expect(enrolment.held).toEqual([]);
    idle = true;
    // The intake has the new key now; the device does not know yet, and citizens keep rating.
    await expect.poll(() => enrolment.held.length, { timeout: 10_000 }).toBe(1);
    await expect.poll(intakeKey).toBe(enrolment.held[0]);
    const during = [await record(db), await record(db), await record(db)];
    expect(during.map((o) => o.keyId)).toEqual([oldId, oldId, oldId]);
    // An upload now is signed with the old key, which the intake no longer takes for requests.
    await service.engine.retryNow();
    expect(service.engine.status().state).toBe('unauthorized');
    enrolment.release();
    // The switch does not leave the upload to the unauthorized backoff (5 min): they go at once.
    await expect.poll(outcomeRows).toBe(4);

    const newKey = await exportPublicKey(await loadOrCreateDeviceKey(db));
    expect(newKey).toBe(enrolment.held[0]);
    const after = await record(db);
    expect(after.keyId).toBe(await keyIdOf(newKey));

    await service.engine.retryNow();
    await expect.poll(outcomeRows).toBe(5);
    await expect.poll(() => db.outbox.count()).toBe(0);
    expect(await db.deadLetters.count()).toBe(0);
    expect(events()).toEqual(['key_rotated']);
    expect(flagged()).toBeNull();
    expect((await listAudit(db, 1))[0]?.action).toBe('device-key-rotated');
    // Every outcome it signed is acknowledged: the old key is gone from the device.
    await expect.poll(() => retiredKeyIds(db)).toEqual([]);

    // The retired key cannot add to the chain after the rotation point: sealed by the device's own
    // code with the old pair and its id, it is refused, recorded, and kept as a dead letter.
    const head = (await db.meta.get('chainHead'))!.value as ChainHead;
    const { hash: _hash, signature: _signature, ...unsealed } = after;
    const stray = await sealOutcome({ ...unsealed, id: uuidv7(), invitationId: uuidv7(), seq: head.seq + 1, prevHash: head.hash }, signerOf(oldPair, oldId));
    expect(stray.keyId).toBe(oldId);
    await db.outbox.add({ ...stray, storedAtMs: Date.now() });
    await service.engine.retryNow();
    await expect.poll(() => db.deadLetters.count()).toBe(1);
    expect((await db.deadLetters.toArray())[0]).toMatchObject({ id: stray.id, code: 'bad_outcome_signature' });
    expect(events()).toEqual(['key_rotated', 'bad_outcome_signature']);
  });

  it('two tabs on one database rotate once: one enrolment, one key, and both sign with it', { timeout: 60_000 }, async () => {
    await freshIntake();
    const { db, oldKey } = await enrolledDevice(ENROL);
    const otherTab = openEvaluatorDb(db.name);
    dbs.push(otherTab);
    const enrolment = holdEnrolmentAnswers();
    const locks = sharedLocks();
    const a = startSyncService({ db, context: withToken(ROTATE), now: Date.now, onStatus: () => undefined, locks })!;
    const b = startSyncService({ db: otherTab, context: withToken(ROTATE), now: Date.now, onStatus: () => undefined, locks })!;
    stops.push(() => a.stop(), () => b.stop());
    await expect.poll(() => enrolment.held.length).toBe(1);
    // The second tab rates on the old key while the first enrols.
    const during = await record(otherTab);
    expect(during.keyId).toBe(await keyIdOf(oldKey));
    enrolment.release();
    await Promise.all([a.enrolled, b.enrolled]);

    expect(enrolment.held).toHaveLength(1);
    expect(locks.granted).toEqual(['haochaping-key-rotation', 'haochaping-key-rotation']);
    const newKey = live().db.prepare<[string], { public_key: string }>('SELECT public_key FROM devices WHERE device_id = ?').get(DEVICE)!.public_key;
    expect(newKey).not.toBe(oldKey);
    const newId = await keyIdOf(newKey);
    // Each tab's own recorder follows the rotation the other tab made.
    expect((await record(otherTab)).keyId).toBe(newId);
    expect((await record(db)).keyId).toBe(newId);
    expect((await listAudit(db, 5)).filter((e) => e.action === 'device-key-rotated')).toHaveLength(1);

    await b.engine.retryNow();
    await expect.poll(outcomeRows).toBe(4);
    expect(await db.deadLetters.count()).toBe(0);
    expect(events()).toEqual(['key_rotated']);
    expect(flagged()).toBeNull();
  });

  it('without Web Locks two tabs still enrol one key: the pending pair is stored once for both', { timeout: 60_000 }, async () => {
    await freshIntake();
    const { db } = await enrolledDevice(ENROL);
    const otherTab = openEvaluatorDb(db.name);
    dbs.push(otherTab);
    const enrolment = holdEnrolmentAnswers();
    const a = startSyncService({ db, context: withToken(ROTATE), now: Date.now, onStatus: () => undefined })!;
    const b = startSyncService({ db: otherTab, context: withToken(ROTATE), now: Date.now, onStatus: () => undefined })!;
    stops.push(() => a.stop(), () => b.stop());
    await expect.poll(() => enrolment.held.length).toBe(2);
    enrolment.release();
    await Promise.all([a.enrolled, b.enrolled]);
    expect(enrolment.held[0]).toBe(enrolment.held[1]);
    expect(live().db.prepare('SELECT COUNT(*) AS n FROM device_keys WHERE device_id = ?').get(DEVICE)).toEqual({ n: 2 });
    expect(await exportPublicKey(await loadOrCreateDeviceKey(db))).toBe(enrolment.held[0]);
    expect((await listAudit(db, 5)).filter((e) => e.action === 'device-key-rotated')).toHaveLength(1);
    expect(events()).toEqual(['key_rotated']);
  });

  it('a device from before key ids: its outcomes carry none and are still verified against its current key', { timeout: 60_000 }, async () => {
    await freshIntake();
    const db = openEvaluatorDb(`key-rotation-${crypto.randomUUID()}`);
    dbs.push(db);
    const service = startSyncService({ db, context: withToken(ENROL), now: Date.now, onStatus: () => undefined })!;
    stops.push(() => service.stop());
    await service.enrolled;
    // The recorder of an older build: a signer that does not name its key.
    const pair = await loadOrCreateDeviceKey(db);
    const plain = async (bytes: Uint8Array) => base64url(new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, pair.privateKey, bytes as BufferSource)));
    const outcome = await createOutcomeRecorder(db, plain).record(makeInvitation(), ending, { context: testContext, clockOffsetMs: null, nowMs: Date.now(), signedIn: null });
    expect(outcome).not.toHaveProperty('keyId');
    await service.engine.retryNow();
    await expect.poll(outcomeRows).toBe(1);
    expect(events()).toEqual([]);
  });
});
