import type { DeviceContext } from '../../contract/hallConfig';
import { appendAudit, sha256Hex } from '../data/auditLog';
import { openEvaluatorDb, type EvaluatorDb } from '../data/db';
import { currentKeyReader, exportPublicKey, finishRotation, pendingRotationKey, pruneRetiredKeys, retiredKeyIds, signRequest } from '../device/deviceKey';
import { createIntakeClient, type IntakeClient } from './intakeClient';
import { createSyncEngine, INITIAL_SYNC_STATUS, type LockManagerLike, type SyncEngine, type SyncStatus } from './syncEngine';

const ENROLLED_KEY = 'enrolledAtIntake';
/** SHA-256 of the enrolment token the current key was enrolled with. */
const ENROLLED_WITH_KEY = 'enrolledWithToken';
const ENROL_RETRY_MS = 30_000;
/** How often a key rotation that waits for the rating flow to be idle looks again. */
const IDLE_POLL_MS = 2_000;
/** Held by the one tab that enrols a rotated key; the others wait, then find the rotation done. */
const ROTATION_LOCK = 'haochaping-key-rotation';

export interface SyncServiceOptions {
  db: EvaluatorDb;
  context: DeviceContext;
  now: () => number;
  onStatus: (status: SyncStatus) => void;
  /** The intake's phone-sealing key, when the device configuration did not bring one. */
  onSealingKey?: (key: string) => void;
  locks?: LockManagerLike;
  /**
   * Whether this page's rating flow is idle (no rating, confirm, details or saving screen open): a
   * key rotation waits for it. Always idle when not given.
   */
  isIdle?: () => boolean;
}

/**
 * Brings up syncing for a device: the device key, enrolment at the intake (once, with the
 * single-use token from provisioning), then the sync engine. Returns null when the hall has
 * no intake configured.
 */
export function startSyncService({ db, context, now, onStatus, onSealingKey, locks, isIdle = () => true }: SyncServiceOptions): {
  engine: SyncEngine;
  client: IntakeClient;
  /** Settles once the device is enrolled at the intake (signed requests will be accepted). */
  enrolled: Promise<void>;
  stop(): void;
} | null {
  const intake = context.intake;
  if (!intake) return null;
  // Read on every request: a rotation by another tab is followed at once.
  const currentKey = currentKeyReader(db);
  let markEnrolled = () => {};
  const enrolled = new Promise<void>((resolve) => (markEnrolled = resolve));
  let stopped = false;
  let enrolTimer: ReturnType<typeof setTimeout> | undefined;
  let rotateTimer: ReturnType<typeof setTimeout> | undefined;

  // Signed requests are stamped by the offset the engine measured and keeps; a stale refusal
  // corrects it there. (The engine is made below; the client only reads it once it runs.)
  const keeper: { engine?: SyncEngine } = {};
  const client = createIntakeClient({
    baseUrl: intake.url,
    deviceId: context.device.id,
    now,
    sign: async (timestampMs, payload) => signRequest((await currentKey()).pair, timestampMs, payload),
    clock: { offsetMs: () => keeper.engine?.status().clockOffsetMs ?? null, learn: (offsetMs) => void keeper.engine?.noteClockOffset(offsetMs) },
  });
  const engine = createSyncEngine({
    db: openEvaluatorDb(db.name, 'relaxed'),
    client,
    now,
    random: Math.random,
    batchSize: intake.batchSize,
    intervalMs: intake.syncIntervalSec * 1000,
    onStatus: (status) => {
      onStatus(status);
      // A retired key goes once every outcome it signed has been acknowledged.
      if (retiredKept) void pruneRetired();
    },
    ...(locks ? { locks } : {}),
  });
  keeper.engine = engine;

  const notEnrolled = (patch: Partial<SyncStatus>): SyncStatus => ({ ...INITIAL_SYNC_STATUS, state: 'unauthorized', ...patch });

  async function enrolThenStart(): Promise<void> {
    if (stopped) return;
    const { pair } = await currentKey();
    const enrolled = await db.meta.get(ENROLLED_KEY);
    if (!enrolled) {
      const token = intake?.enrolmentToken;
      if (!token) {
        onStatus(notEnrolled({ lastError: 'not enrolled and no enrolment token in the device configuration' }));
        return;
      }
      const expiresAt = intake?.enrolmentTokenExpiresAt;
      if (expiresAt !== undefined && Date.parse(expiresAt) <= now()) {
        onStatus(notEnrolled({ lastError: `the enrolment token expired at ${expiresAt}: provision this device again (npm run provision -- kiosk-config/<hall> --device ${context.device.id} --force)` }));
        return;
      }
      const result = await client.enrol(token, await exportPublicKey(pair));
      if (!result.ok) {
        onStatus(notEnrolled({ lastError: `enrolment failed (${result.status}): ${result.reason}`, nextAttemptAtMs: now() + ENROL_RETRY_MS }));
        enrolTimer = setTimeout(() => void enrolThenStart(), ENROL_RETRY_MS);
        return;
      }
      await db.meta.put({ key: ENROLLED_KEY, value: now() });
      await db.meta.put({ key: ENROLLED_WITH_KEY, value: await sha256Hex(token) });
    } else {
      await rotateIfReprovisioned();
      await pruneRetired();
    }
    markEnrolled();
    if (!intake?.sealingPublicKey && onSealingKey) {
      void client.sealingKey().then((key) => key && onSealingKey(key));
    }
    await engine.start();
  }

  let retiredKept = false;
  async function pruneRetired(): Promise<void> {
    await pruneRetiredKeys(db);
    retiredKept = (await retiredKeyIds(db)).length > 0;
  }

  /**
   * A re-provisioned bundle brings a new enrolment token: the device then makes a new key and
   * enrols it, which replaces its key at the intake. Outcomes carry the id of the key that signed
   * them and the intake checks each against that key, so nothing waits for the outbox: outcomes
   * signed with the old key before the switch (also those recorded while the new key is being
   * enrolled) are accepted, and the old key is kept until they are all acknowledged. It waits for
   * the rating flow to be idle, and one tab enrols (a Web Lock, and one pending pair stored for all).
   */
  async function rotateIfReprovisioned(): Promise<void> {
    const token = intake?.enrolmentToken;
    if (stopped || !token) return;
    const digest = await sha256Hex(token);
    const used = await db.meta.get(ENROLLED_WITH_KEY);
    if (used === undefined) {
      // Enrolled before the token was remembered: this token is the one it enrolled with.
      await db.meta.put({ key: ENROLLED_WITH_KEY, value: digest });
      return;
    }
    if (used.value === digest) return;
    if (!isIdle()) {
      rotateTimer = setTimeout(() => void rotateIfReprovisioned(), IDLE_POLL_MS);
      return;
    }
    const retry = locks ? await locks.request(ROTATION_LOCK, { ifAvailable: false }, () => rotateOnce(token, digest)) : await rotateOnce(token, digest);
    if (retry && !stopped) rotateTimer = setTimeout(() => void rotateIfReprovisioned(), ENROL_RETRY_MS);
  }

  /** Enrols the rotation's pair and switches to it; true when it should be tried again later. */
  async function rotateOnce(token: string, digest: string): Promise<boolean> {
    // Another tab rotated while this one waited for the lock.
    if (stopped || (await db.meta.get(ENROLLED_WITH_KEY))?.value === digest) return false;
    const pending = await pendingRotationKey(db, digest);
    const result = await client.enrol(token, await exportPublicKey(pending));
    if (!result.ok) {
      // The old key stays enrolled and in use; a network failure is tried again later.
      console.warn(`key rotation: enrolment with the new token failed (${result.status}): ${result.reason}`);
      return result.status === 0;
    }
    if (await finishRotation(db, digest, [{ key: ENROLLED_WITH_KEY, value: digest }])) {
      retiredKept = true;
      await appendAudit(db, 'device-key-rotated', { deviceId: context.device.id });
    }
    // An upload signed with the old key after the intake switched was refused (401); it need not
    // wait the unauthorized backoff now that the new key signs.
    if (engine.status().state === 'unauthorized') void engine.retryNow();
    return false;
  }

  const onOnline = () => void engine.retryNow();
  globalThis.addEventListener?.('online', onOnline);
  void enrolThenStart();

  return {
    engine,
    client,
    enrolled,
    stop() {
      stopped = true;
      clearTimeout(enrolTimer);
      clearTimeout(rotateTimer);
      engine.stop();
      globalThis.removeEventListener?.('online', onOnline);
    },
  };
}

