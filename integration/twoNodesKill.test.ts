import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregateResponseSchema } from '../contract/dashboard';
import type { Outcome } from '../contract/outcome';
import { item } from '../intake/testing/intakeHarness';
import { chain, newDeviceKey } from '../intake/testing/signedOutcomes';
import { signedHeaders } from '../intake/testing/signedRequests';
import { createTestDatabase } from '../scripts/pgTestDatabase';
import { seededRandom } from '../scripts/seededRandom';

/**
 * Issue 25: two intake nodes, each a process of its own, on one PostgreSQL database. Devices post
 * their chains in batches to either node and, as the sync engine does, send a batch again (to the
 * other node) when no answer came. Node A is SIGKILLed again and again while batches are in
 * flight and started again. At the end every outcome is stored exactly once, every chain is
 * whole and unflagged, and the dashboard counts what is stored.
 */

const ADMIN = 'two-nodes-admin-token-0123456789abcdef';
const HALL = 'h1';
const DEVICES = 4;
const PER_DEVICE = 60;
const BATCH = 5;
const KILLS = 3;

let database: { url: string; drop(): Promise<void> };
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

interface Node {
  child: ChildProcess;
  origin: string;
}

function startNode(configFile: string): Promise<Node> {
  const child = fork(path.resolve(import.meta.dirname, '../scripts/benchIngestNode.ts'), [configFile], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { origin: string }) => resolve({ child, origin: message.origin }));
    child.once('exit', (code) => reject(new Error(`an intake node exited (${code}) before it listened`)));
  });
}

const stop = (node: Node) =>
  new Promise<void>((resolve) => {
    if (node.child.exitCode !== null || node.child.signalCode !== null) return resolve();
    node.child.once('exit', () => resolve());
    node.child.kill('SIGKILL');
  });

describe('two intake nodes on one PostgreSQL, one killed mid-batch again and again', { timeout: 240_000 }, () => {
  it('stores every outcome exactly once, keeps every chain whole and counts what is stored', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'two-nodes-'));
    const devices = Array.from({ length: DEVICES }, (_, i) => ({ deviceId: `dev-${i}`, ...newDeviceKey() }));
    const tokens = devices.map((d) => ({ token: `two-nodes-${d.deviceId}-enrolment`, deviceId: d.deviceId, hallCode: HALL, expiresAtMs: Date.now() + 600_000 }));
    const configFile = path.join(dir, 'node.json');
    writeFileSync(configFile, JSON.stringify({ dbFile: path.join(dir, 'unused.sqlite'), databaseUrl: database.url, adminToken: ADMIN, enrolmentTokens: tokens, maxInFlightBatches: 8 }));
    // One after the other: the first migrates the database.
    const nodes: Node[] = [await startNode(configFile)];
    nodes.push(await startNode(configFile));
    try {
      for (const [i, device] of devices.entries()) {
        const enrolled = await fetch(`${nodes[i % 2]!.origin}/v1/devices`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enrolmentToken: tokens[i]!.token, deviceId: device.deviceId, publicKey: device.x }) });
        expect(enrolled.status).toBe(201);
      }
      const chains = new Map<string, Outcome[]>(
        devices.map((d) => [d.deviceId, chain(Array.from({ length: PER_DEVICE }, (_, n) => item((((n * 7) % 5) + 1) as 1 | 2 | 3 | 4 | 5, { deviceId: d.deviceId })), d.privateKey)]),
      );
      const random = seededRandom(25);
      let resent = 0;
      // Batches sent to node A not yet answered, and whether any device still syncs: the killer waits for one in flight.
      let inFlightOnA = 0;
      let syncing = true;
      let killedMidBatch = 0;

      /** One device's sync: batch after batch, each sent until a node answers it, alternating nodes. */
      const sync = async (device: (typeof devices)[number]) => {
        const outcomes = chains.get(device.deviceId)!;
        let turn = devices.indexOf(device);
        for (let from = 0; from < outcomes.length; from += BATCH) {
          const body = JSON.stringify({ deviceId: device.deviceId, outcomes: outcomes.slice(from, from + BATCH) });
          for (;;) {
            const toA = turn % 2 === 0;
            const node = nodes[turn++ % 2]!;
            if (toA) inFlightOnA++;
            try {
              const response = await fetch(`${node.origin}/v1/outcomes/batch`, { method: 'POST', headers: { 'content-type': 'application/json', ...signedHeaders(device, 'POST', '/v1/outcomes/batch', body) }, body, signal: AbortSignal.timeout(10_000) });
              if (response.status === 200) {
                const { results } = (await response.json()) as { results: Array<{ status: string; code?: string }> };
                expect(results.map((r) => r.code ?? r.status).filter((s) => s !== 'accepted' && s !== 'duplicate')).toEqual([]);
                break;
              }
              await response.arrayBuffer();
            } catch {
              // No answer (the node was killed): the same batch again, to the other node.
            } finally {
              if (toA) inFlightOnA--;
            }
            resent++;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
      };

      /** Kills node A while batches are in flight, then starts it again on a new port. */
      const killer = async () => {
        for (let k = 0; k < KILLS && syncing; k++) {
          await new Promise((resolve) => setTimeout(resolve, 100 + random() * 400));
          // Mid-batch: killed while a batch sent to it is unanswered (on a fast machine the syncs may otherwise end between kills).
          while (inFlightOnA === 0 && syncing) await new Promise((resolve) => setTimeout(resolve, 2));
          if (!syncing) break;
          killedMidBatch++;
          await stop(nodes[0]!);
          await new Promise((resolve) => setTimeout(resolve, 200));
          nodes[0] = await startNode(configFile);
        }
      };
      await Promise.all([killer(), Promise.all(devices.map(sync)).finally(() => (syncing = false))]);
      expect(killedMidBatch).toBeGreaterThan(0);
      expect(resent).toBeGreaterThan(0);

      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const stored = await client.query<{ n: number; ids: number }>('SELECT COUNT(*)::INT AS n, COUNT(DISTINCT id)::INT AS ids FROM outcomes');
        expect(stored.rows[0]).toEqual({ n: DEVICES * PER_DEVICE, ids: DEVICES * PER_DEVICE });
        const perDevice = await client.query<{ device_id: string; n: number; max: number }>('SELECT device_id, COUNT(*)::INT AS n, MAX(seq)::INT AS max FROM outcomes GROUP BY device_id ORDER BY device_id');
        expect(perDevice.rows).toEqual(devices.map((d) => ({ device_id: d.deviceId, n: PER_DEVICE, max: PER_DEVICE })));
        const events = await client.query<{ kind: string }>('SELECT DISTINCT kind FROM integrity_events');
        expect(events.rows.map((r) => r.kind).filter((k) => k !== 'late_arrival')).toEqual([]);
        const flagged = await client.query('SELECT device_id FROM devices WHERE flagged_at IS NOT NULL');
        expect(flagged.rows).toEqual([]);
        const levels = await client.query<{ good: number; bad: number }>("SELECT COUNT(*) FILTER (WHERE level >= 3)::INT AS good, COUNT(*) FILTER (WHERE level <= 2)::INT AS bad FROM outcomes WHERE merge = 'rating'");
        // The dashboard, on either node, counts what is stored: once each.
        for (const node of nodes) {
          const day = '2026-11-23';
          const answer = await fetch(`${node.origin}/v1/dashboard/aggregates?hall=${HALL}&from=${day}&to=${day}&by=hall`, { headers: { authorization: `Bearer ${ADMIN}` } });
          const rows = AggregateResponseSchema.parse(await answer.json()).rows;
          expect(rows.map((r) => [r.total, r.good, r.bad])).toEqual([[DEVICES * PER_DEVICE, levels.rows[0]!.good, levels.rows[0]!.bad]]);
        }
      } finally {
        await client.end();
      }
    } finally {
      await Promise.all(nodes.map(stop));
    }
  });
});
