import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { setPriority, tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { hashPin } from '../shared-node/adminPin';
import { startIntake } from '../intake/server';
import { signedHeaders } from '../intake/testing/signedRequests';
import { newDeviceKey } from '../intake/testing/signedOutcomes';
import { formatMs, percentile, printTable } from './stats';

/**
 * `npm run bench -- --only pairing-load` (issue 18): 200 concurrent wrong pairing attempts
 * against a real intake over HTTP, while /v1/health is asked every 5 ms on a fixed schedule; its
 * latency is printed beside the same probe on the idle intake. Rounds: all attempts from one
 * address (the per-address limit answers most of them 429 before any password is checked), and
 * each from its own loopback address (127.0.0.3 …; every attempt reaches the scrypt check).
 * Target: /v1/health p95 under 50 ms. Each attempt is a fresh connection; attempts and probes are
 * sent from threads of their own, so only the intake's work is on the event loop measured.
 * On a real network the attacker's own work runs on its machine; on these two cores it competes
 * with the intake and the prober, so each burst runs twice: from a thread at the intake's priority,
 * and from a process at the lowest priority (nice 19), which takes only what they leave.
 */

interface Round {
  label: string;
  health: number[];
  attempts: Map<number, number>;
  attemptMs: number;
}

/**
 * Code for the client threads (each on its own, so neither one's work delays the other): the
 * attacker sends every POST /v1/pairings at once, each on a fresh connection from its address; the
 * prober sends GET /v1/health every 5 ms on a fixed schedule until told to stop. A probe's latency
 * is counted from when it was due, not from when it could be sent, so a stalled intake shows in
 * full (no coordinated omission).
 */
const CLIENT = `
const threads = require('node:worker_threads');
const http = require('node:http');
// A thread of the bench's process, or (the attacker at a lower priority) a process of its own.
const parentPort = threads.parentPort ?? { postMessage: (m) => process.send(m), once: (e, f) => process.once(e, f) };
const { origin, role, attempts } = threads.workerData ?? JSON.parse(process.env.BENCH_CLIENT);
const base = new URL(origin);
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const call = (path, method, body, localAddress, useAgent) => new Promise((resolve) => {
  const req = http.request({ host: base.hostname, port: base.port, path, method, agent: useAgent ? agent : false, localAddress, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.statusCode));
  });
  req.on('error', () => resolve(0));
  req.end(body);
});
const attack = () => {
  const started = performance.now();
  Promise.all(attempts.map(({ path, body, localAddress }) => call(path, body === undefined ? 'GET' : 'POST', body, localAddress, false)))
    .then((statuses) => parentPort.postMessage({ statuses, ms: performance.now() - started }));
};
// A process waits for the word to go: its priority is lowered after it starts.
if (role === 'attack' && threads.isMainThread) process.once('message', attack);
else if (role === 'attack') attack();
else {
  const health = [];
  const probes = [];
  let done = false;
  const started = performance.now();
  let n = 0;
  const tick = () => {
    if (done) return;
    const due = started + n * 5;
    n++;
    probes.push(call('/v1/health', 'GET', undefined, undefined, true).then((status) => health.push(status === 200 ? performance.now() - due : Infinity)));
    setTimeout(tick, Math.max(0, started + n * 5 - performance.now()));
  };
  tick();
  parentPort.once('message', async () => {
    done = true;
    await Promise.all(probes);
    agent.destroy();
    parentPort.postMessage({ health });
  });
}
`;

/**
 * The attacker as a process of its own at the lowest CPU priority: on a real network its work runs
 * on its own machine, so here it takes only what the intake and the prober leave.
 */
function lowPriorityProcess<T>(workerData: object): Promise<T> {
  const child = spawn(process.execPath, ['-e', CLIENT], { env: { ...process.env, BENCH_CLIENT: JSON.stringify(workerData) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  if (child.pid !== undefined) setPriority(child.pid, 19);
  child.send('go');
  return new Promise<T>((resolve, reject) => {
    child.once('message', (message) => {
      resolve(message as T);
      child.kill();
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the attacking process ended with ${String(code)} before answering`)));
  });
}

function worker<T>(workerData: object): { worker: Worker; result: Promise<T> } {
  const thread = new Worker(CLIENT, { eval: true, workerData });
  const result = new Promise<T>((resolve, reject) => {
    thread.once('message', (message: T) => {
      resolve(message);
      void thread.terminate();
    });
    thread.once('error', reject);
  });
  return { worker: thread, result };
}

/** /v1/health latencies while `during` runs (probed from a thread of their own). */
async function probed<T>(origin: string, during: () => Promise<T>): Promise<{ health: number[]; value: T }> {
  const probe = worker<{ health: number[] }>({ origin, role: 'probe' });
  // Let the prober start its schedule before the load begins.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const value = await during();
  probe.worker.postMessage('stop');
  return { health: (await probe.result).health, value };
}

/** One request on a fresh connection (set-up only). */
function send(origin: string, urlPath: string, body: string, headers: Record<string, string> = {}, localAddress?: string): Promise<string> {
  const url = new URL(urlPath, origin);
  return new Promise((resolve, reject) => {
    const options = { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...headers }, ...(localAddress ? { localAddress } : {}) };
    const req = httpRequest(options, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function benchPairingLoad(attempts = 200): Promise<{ idle: number[]; rounds: Round[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-pairing-'));
  const token = 'bench-pairing-enrolment-token-0001';
  const intake = await startIntake({
    dbFile: path.join(dir, 'intake.sqlite'),
    port: 0,
    corsOrigins: [],
    enrolmentTokens: [{ token, deviceId: 'bench-pad', hallCode: 'bench-hall', expiresAtMs: Date.now() + 3_600_000 }],
    staffDirectory: [{ loginName: 'zhangsan', name: '张三', passwordHash: hashPin('the right password') }],
    log: () => undefined,
  });
  try {
    const key = newDeviceKey();
    await send(intake.origin, '/v1/devices', JSON.stringify({ enrolmentToken: token, deviceId: 'bench-pad', publicKey: key.x }));
    const codePath = '/v1/devices/bench-pad/pairing-codes';
    const issued = await send(intake.origin, codePath, '{}', signedHeaders({ deviceId: 'bench-pad', privateKey: key.privateKey }, 'POST', codePath, '{}'));
    const code = (JSON.parse(issued) as { code: string }).code;

    // Warm-up, not counted: every path the rounds take has run once (modules loaded, code compiled).
    for (let i = 0; i < 12; i++) await send(intake.origin, '/v1/pairings', JSON.stringify({ code, loginName: `warm-up-${i}`, password: 'wrong' }), {}, '127.0.9.9');
    await probed(intake.origin, () => new Promise((resolve) => setTimeout(resolve, 200)));
    const idle = (await probed(intake.origin, () => new Promise((resolve) => setTimeout(resolve, 1000)))).health;
    const rounds: Round[] = [];
    // Each one-address round from an address of its own: the limit an earlier round set does not carry over.
    const address = (a: string) => (_index: number): string => a;
    const many = (i: number): string => `127.0.${Math.floor((i + 2) / 250)}.${((i + 2) % 250) + 1}`;
    const same = 'attacker at the intake\'s priority';
    const low = 'attacker at the lowest priority';
    for (const [label, addressOf, pairingAttempts, lowPriority] of [
      [`${attempts} concurrent wrong attempts, one address, ${same}`, address('127.0.5.1'), true, false],
      [`${attempts} concurrent wrong attempts, one address, ${low}`, address('127.0.5.2'), true, true],
      [`${attempts} concurrent wrong attempts, ${attempts} addresses, ${low}`, many, true, true],
      // The floor under the rounds: the same burst of fresh connections, asking for nothing but
      // /v1/health, costs this much whatever the route does.
      [`  baseline: ${attempts} concurrent GET /v1/health, one address, ${same}`, address('127.0.5.3'), false, false],
      [`  baseline: ${attempts} concurrent GET /v1/health, one address, ${low}`, address('127.0.5.4'), false, true],
    ] as const) {
      // Half try a real login, half logins that do not exist: the same work for the intake.
      const list = Array.from({ length: attempts }, (_, i) =>
        pairingAttempts
          ? { path: '/v1/pairings', body: JSON.stringify({ code, loginName: i % 2 ? 'zhangsan' : `nobody-${i}`, password: `wrong-${i}` }), localAddress: addressOf(i) }
          : { path: '/v1/health', localAddress: addressOf(i) },
      );
      const attack = { origin: intake.origin, role: 'attack', attempts: list };
      const { health, value } = await probed(intake.origin, () => (lowPriority ? lowPriorityProcess<{ statuses: number[]; ms: number }>(attack) : worker<{ statuses: number[]; ms: number }>(attack).result));
      const counts = new Map<number, number>();
      for (const status of value.statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
      rounds.push({ label, health, attempts: counts, attemptMs: value.ms });
    }
    return { idle, rounds };
  } finally {
    await intake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printPairingLoadBench({ idle, rounds }: Awaited<ReturnType<typeof benchPairingLoad>>): void {
  const row = (label: string, health: number[], extra: string) => [label, String(health.length), formatMs(percentile(health, 50)), formatMs(percentile(health, 95)), '< 50 ms', extra];
  printTable(
    ['/v1/health while …', 'probes', 'p50', 'p95', 'target (p95)', 'attempts answered'],
    [
      ...rounds.map((r) => row(r.label, r.health, `${[...r.attempts].sort(([a], [b]) => a - b).map(([status, n]) => `${n}×${status}`).join(', ')} in ${(r.attemptMs / 1000).toFixed(1)} s`)),
      row('  baseline: the idle intake', idle, '—'),
    ],
  );
}
