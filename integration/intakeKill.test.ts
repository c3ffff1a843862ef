import 'fake-indexeddb/auto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEvaluatorDb } from '../src/data/db';
import { exportPublicKey, loadOrCreateDeviceKey, signRequest } from '../src/device/deviceKey';
import { storedOutcomes } from '../intake/testing/adminPages';
import { makeInvitation, testContext, recordOutcome } from '../src/testing/fixtures';
import { createIntakeClient } from '../src/sync/intakeClient';
import { createSyncEngine } from '../src/sync/syncEngine';

const ROOT = path.resolve(import.meta.dirname, '..');
/** The intake refuses an admin token under 32 characters. */
const KILL_ADMIN = 'kill-test-admin-token-0123456789abcdef';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The reference intake as its own process, so it can be killed like a power cut. */
async function spawnIntake(dbFile: string, port: number, token: string): Promise<ChildProcess> {
  // One process (tsx as a loader, not its CLI, which would fork a child that SIGKILL misses).
  const child = spawn(process.execPath, ['--import', 'tsx', 'intake/main.ts', '--db', dbFile, '--port', String(port), '--enrolment-token', `${token}:${testContext.device.id}:${testContext.hall.code}`], {
    cwd: ROOT,
    // Secrets by environment, never as arguments.
    env: { ...process.env, INTAKE_ADMIN_TOKEN: KILL_ADMIN },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`intake exited with ${code}`)));
  });
  return child;
}

describe('intake killed with SIGKILL mid-drain', () => {
  it('loses nothing it acknowledged and stores nothing twice', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kill-'));
    const dbFile = path.join(dir, 'intake.sqlite');
    const port = await freePort();
    const token = `kill-test-token-${crypto.randomUUID()}`;
    let intake = await spawnIntake(dbFile, port, token);
    const origin = `http://127.0.0.1:${port}`;

    const db = openEvaluatorDb(`kill-${crypto.randomUUID()}`);
    const keyPair = await loadOrCreateDeviceKey(db);
    const client = createIntakeClient({ baseUrl: origin, deviceId: testContext.device.id, now: Date.now, timeoutMs: 2000, sign: (t, b) => signRequest(keyPair, t, b) });
    expect(await client.enrol(token, await exportPublicKey(keyPair))).toEqual({ ok: true });
    const ending = { outcome: 'rated' as const, level: 3 as const, tags: [], isPublic: true, callback: { requested: false }, input: { method: 'touch' as const, inviteToPressMs: 900 } };
    const total = 3000;
    for (let i = 0; i < total; i++) await recordOutcome(db, makeInvitation(), ending, { context: testContext, clockOffsetMs: null, nowMs: Date.now() });

    let acknowledgedBeforeKill = 0;
    const engine = createSyncEngine({
      db,
      client,
      now: Date.now,
      random: Math.random,
      batchSize: 10,
      intervalMs: 60_000,
      backoff: { baseMs: 20, maxMs: 200 },
      onStatus: (s) => {
        acknowledgedBeforeKill = Math.max(acknowledgedBeforeKill, s.uploadedTotal);
      },
    });
    const draining = engine.start();
    while (acknowledgedBeforeKill < 300) await new Promise((r) => setTimeout(r, 5));
    intake.kill('SIGKILL'); // mid-drain: a batch is very likely in flight
    await new Promise((r) => intake.once('exit', r));
    const ackedAtKill = acknowledgedBeforeKill;
    await draining;
    expect(await db.outbox.count()).toBeGreaterThan(0);

    intake = await spawnIntake(dbFile, port, `unused-${token}`);
    try {
      for (let i = 0; i < 200 && (await db.outbox.count()) > 0; i++) {
        await engine.retryNow();
        await engine.idle();
      }
      engine.stop();
      expect(await db.outbox.count()).toBe(0);
      const stored = { outcomes: await storedOutcomes(origin, KILL_ADMIN, testContext.device.id) };
      expect(stored.outcomes).toHaveLength(total);
      expect(new Set(stored.outcomes.map((o) => o.id)).size).toBe(total);
      expect(stored.outcomes.map((o) => o.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(ackedAtKill).toBeGreaterThanOrEqual(300);
    } finally {
      intake.kill('SIGTERM');
      db.close();
    }
  });
});
