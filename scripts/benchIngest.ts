import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import pg from 'pg';
import { startPgCluster } from './pgCluster';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { publicKeyFromRaw } from '../intake/devices/deviceAuth';
import { item } from '../intake/testing/intakeHarness';
import { chain, newDeviceKey } from '../intake/testing/signedOutcomes';
import { signedHeaders } from '../intake/testing/signedRequests';
import { printTable } from './stats';

/**
 * `npm run bench -- --only ingest` (issue 25): signed batches from many simulated devices,
 * prepared (enrolled, chained, signed) before the clock starts, posted concurrently over HTTP to
 * intake nodes in processes of their own — no browser in the loop: on SQLite, and on PostgreSQL
 * with one node and with two. Beside it, measured in the same run
 * on the same cores: how many Ed25519 signatures node:crypto checks per second, the ceiling of an
 * ingest that checks one signature per outcome.
 */

const ADMIN = 'bench-ingest-admin-token-0123456789abcdef';
const HALL = 'bench-hall';

export interface IngestRun {
  label: string;
  outcomes: number;
  batches: number;
  ms: number;
  /** 429 answers (more batches in flight than the node takes) that were sent again after Retry-After. */
  retried: number;
  /** CPU seconds spent while posting: the intake nodes (all their threads), the database server's processes (null on SQLite, which runs inside the node), the bench's client. */
  cpu: { intake: number; database: number | null; client: number };
}

export interface VerifyCeiling {
  label: string;
  perSecond: number;
}

interface Device {
  deviceId: string;
  x: string;
  privateKey: KeyObject;
}

/** Signature checks per second, counted over about `ms` of work. */
function countFor(ms: number, once: () => void): number {
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < ms) {
    for (let i = 0; i < 100; i++) once();
    n += 100;
  }
  return n / ((performance.now() - started) / 1000);
}

/**
 * The ceilings: one thread checking with a key object kept per device key (what the intake
 * does), one making the key object from the raw key at every check, the libuv pool on every core
 * (what the intake's batch checks use), and sodium-native where it is installed.
 */
async function verifyCeilings(ms = 1500): Promise<VerifyCeiling[]> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x as string;
  const message = Buffer.from('a 32-byte outcome hash, signed..');
  const signature = sign(null, message, privateKey);
  const rows: VerifyCeiling[] = [];
  rows.push({ label: 'node:crypto, one thread, key object kept per device key', perSecond: countFor(ms, () => verify(null, message, publicKey, signature) || fail()) });
  rows.push({ label: 'node:crypto, one thread, key object made at every check', perSecond: countFor(ms, () => verify(null, message, publicKeyFromRaw(x), signature) || fail()) });

  const started = performance.now();
  let done = 0;
  await new Promise<void>((resolve, reject) => {
    let inFlight = 0;
    const next = (): void => {
      while (inFlight < 64 && performance.now() - started < ms) {
        inFlight++;
        verify(null, message, publicKey, signature, (error, valid) => {
          inFlight--;
          if (error || !valid) return reject(error ?? new Error('a valid signature failed to verify'));
          done++;
          if (inFlight === 0 && performance.now() - started >= ms) resolve();
          else next();
        });
      }
    };
    next();
  });
  rows.push({ label: `node:crypto, libuv pool (UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? 4}), every core`, perSecond: done / ((performance.now() - started) / 1000) });

  const sodium = loadSodium();
  if (sodium) {
    const rawKey = Buffer.from(x, 'base64url');
    rows.push({ label: 'sodium-native, one thread', perSecond: countFor(ms, () => sodium.crypto_sign_verify_detached(signature, message, rawKey) || fail()) });
  }
  return rows;
}

function fail(): never {
  throw new Error('a valid signature failed to verify');
}

interface Sodium {
  crypto_sign_verify_detached(signature: Buffer, message: Buffer, publicKey: Buffer): boolean;
}

function loadSodium(): Sodium | null {
  try {
    return createRequire(import.meta.url)('sodium-native') as Sodium;
  } catch {
    return null;
  }
}

function startNode(configFile: string): Promise<{ child: ChildProcess; origin: string }> {
  const child = fork(path.join(import.meta.dirname, 'benchIngestNode.ts'), [configFile], { execArgv: ['--import', 'tsx', ...(process.env.BENCH_INGEST_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_INGEST_PROFILE}`] : [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { origin: string }) => resolve({ child, origin: message.origin }));
    child.once('exit', (code) => reject(new Error(`the intake node exited (${code}) before it listened`)));
  });
}

/** The node's CPU seconds so far, all its threads. */
function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const answer = (message: { cpu?: NodeJS.CpuUsage }) => {
      if (!message.cpu) return;
      child.off('message', answer);
      resolve((message.cpu.user + message.cpu.system) / 1e6);
    };
    child.on('message', answer);
    child.send('cpu');
  });
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * CPU seconds of one PostgreSQL server so far (/proc): its postmaster, the children it has reaped
 * (cutime, cstime: backends that exited, pooled or not) and those running now. Other clusters on
 * the machine are not counted.
 */
function postgresCpu(postmaster: number): number {
  const stat = (pid: string) => {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ').map(Number);
  };
  // Fields from the state on: ppid is [1], utime [11], stime [12], cutime [13], cstime [14].
  const own = stat(String(postmaster));
  let ticks = own[11]! + own[12]! + own[13]! + own[14]!;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === postmaster) continue;
    try {
      const fields = stat(pid);
      if (fields[1] === postmaster) ticks += fields[11]! + fields[12]!;
    } catch {
      // Gone between the listing and the read: its time is in the postmaster's cutime now.
    }
  }
  return ticks / CLOCK_TICKS;
}

function stopNode(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.send('close');
  });
}

/** One batch of `perDevice` chained, signed outcomes per device, a mix of all five levels. */
function prepareBatches(devices: Device[], perDevice: number): Array<{ device: Device; body: string; count: number }> {
  return devices.map((device, d) => {
    const items = Array.from({ length: perDevice }, (_, i) => {
      const level = (((d + i) % 5) + 1) as 1 | 2 | 3 | 4 | 5;
      return item(level, { id: uuidv7(), deviceId: device.deviceId, window: { hallCode: HALL, windowNo: `W${d}`, windowName: `${d}号窗口` } });
    });
    return { device, body: JSON.stringify({ deviceId: device.deviceId, outcomes: chain(items, device.privateKey) }), count: perDevice };
  });
}

/**
 * Posts every batch with at most `concurrency` in flight, each signed just before it is sent
 * (a signed request is accepted once, within two minutes of its timestamp). Every outcome must
 * come back accepted, or the run fails: a bench of refused outcomes would measure nothing.
 */
async function postAll(origins: string[], batches: Array<{ device: Device; body: string; count: number }>, concurrency: number): Promise<{ ms: number; retried: number }> {
  let nextBatch = 0;
  let retried = 0;
  const started = performance.now();
  const worker = async (origin: string): Promise<void> => {
    while (nextBatch < batches.length) {
      const batch = batches[nextBatch++]!;
      for (;;) {
        const headers = { 'content-type': 'application/json', ...signedHeaders(batch.device, 'POST', '/v1/outcomes/batch', batch.body) };
        const response = await fetch(`${origin}/v1/outcomes/batch`, { method: 'POST', headers, body: batch.body });
        if (response.status === 429) {
          retried++;
          await response.arrayBuffer();
          await new Promise((resolve) => setTimeout(resolve, 20));
          continue;
        }
        const answer = (await response.json()) as { results?: Array<{ status: string; code?: string }> };
        const accepted = answer.results?.filter((r) => r.status === 'accepted').length ?? 0;
        if (response.status !== 200 || accepted !== batch.count) {
          throw new Error(`batch of ${batch.device.deviceId}: ${response.status}, ${accepted}/${batch.count} accepted: ${JSON.stringify(answer).slice(0, 300)}`);
        }
        break;
      }
    }
  };
  await Promise.all(origins.flatMap((origin) => Array.from({ length: concurrency }, () => worker(origin))));
  return { ms: performance.now() - started, retried };
}

/**
 * The whole section: the ceilings first, then for each in-flight limit (the intake's
 * maxInFlightBatches, default 8, with as many clients posting per node) one run on SQLite, one on
 * PostgreSQL with one node and one with two nodes on the same database, each on fresh data. The
 * PostgreSQL cluster is durable (fsync on), as SQLite is.
 */
export async function benchIngest(
  count: number,
  perDevice: number,
  inFlight: number[],
  progress: (s: string) => void,
  engines: ReadonlyArray<'sqlite' | 'postgres'> = ['sqlite', 'postgres'],
): Promise<{ ceilings: VerifyCeiling[]; runs: IngestRun[] }> {
  progress('measuring Ed25519 checks per second');
  const ceilings = await verifyCeilings();
  const runs: IngestRun[] = [];
  const withPostgres = engines.includes('postgres');
  if (withPostgres) progress('starting a durable PostgreSQL cluster');
  const cluster = withPostgres ? await startPgCluster({ durable: true }) : null;
  try {
    for (const limit of inFlight) {
      if (engines.includes('sqlite')) runs.push(await ingestRun({ engine: 'sqlite', nodes: 1 }, count, perDevice, limit, progress));
      if (cluster) for (const nodes of [1, 2]) runs.push(await ingestRun({ engine: 'postgres', nodes, clusterUrl: cluster.url, postmasterPid: cluster.postmasterPid }, count, perDevice, limit, progress));
    }
  } finally {
    await cluster?.stop();
  }
  return { ceilings, runs };
}

type Engine = { engine: 'sqlite'; nodes: 1 } | { engine: 'postgres'; nodes: number; clusterUrl: string; postmasterPid: () => number };

/** A fresh database of the cluster for one run. */
async function freshDatabase(clusterUrl: string): Promise<string> {
  const name = `bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: clusterUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Enrols `count` devices on fresh data, prepares their batches, then times the upload spread over the nodes. */
async function ingestRun(engine: Engine, count: number, perDevice: number, concurrency: number, progress: (s: string) => void): Promise<IngestRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-ingest-'));
  const devices: Device[] = Array.from({ length: count }, (_, i) => ({ deviceId: `bench-pad-${String(i).padStart(4, '0')}`, ...newDeviceKey() }));
  const expiresAtMs = Date.now() + 3_600_000;
  const tokens = devices.map((d) => ({ token: `bench-enrol-${d.deviceId}-${uuidv7()}`, deviceId: d.deviceId, hallCode: HALL, expiresAtMs }));
  const databaseUrl = engine.engine === 'postgres' ? await freshDatabase(engine.clusterUrl) : undefined;
  const nodes: Array<{ child: ChildProcess; origin: string }> = [];
  try {
    for (let n = 0; n < engine.nodes; n++) {
      const configFile = path.join(dir, `node-${n}.json`);
      writeFileSync(configFile, JSON.stringify({ dbFile: path.join(dir, 'intake.sqlite'), ...(databaseUrl ? { databaseUrl } : {}), adminToken: ADMIN, enrolmentTokens: tokens, maxInFlightBatches: concurrency }));
      // One after another: the first migrates the database.
      nodes.push(await startNode(configFile));
    }
    const label = `${engine.engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${engine.nodes} intake node${engine.nodes > 1 ? 's' : ''}, ${concurrency} batches in flight${engine.nodes > 1 ? ' per node' : ''}${concurrency === 8 ? ' (the default)' : ''}`;
    progress(`${label}: enrolling ${count} devices`);
    for (const [i, device] of devices.entries()) {
      const response = await fetch(`${nodes[0]!.origin}/v1/devices`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enrolmentToken: tokens[i]!.token, deviceId: device.deviceId, publicKey: device.x }) });
      if (response.status !== 201) throw new Error(`enrolment of ${device.deviceId}: ${response.status} ${await response.text()}`);
    }
    progress(`${label}: signing ${count * perDevice} outcomes`);
    const batches = prepareBatches(devices, perDevice);
    progress(`${label}: posting`);
    const databaseCpu = () => (engine.engine === 'postgres' ? postgresCpu(engine.postmasterPid()) : null);
    const cpuBefore = { intake: await Promise.all(nodes.map((node) => cpuOf(node.child))), database: databaseCpu(), client: process.cpuUsage() };
    const { ms, retried } = await postAll(
      nodes.map((node) => node.origin),
      batches,
      concurrency,
    );
    const intakeAfter = await Promise.all(nodes.map((node) => cpuOf(node.child)));
    const client = process.cpuUsage(cpuBefore.client);
    const cpu = {
      intake: intakeAfter.reduce((sum, after, i) => sum + after - cpuBefore.intake[i]!, 0),
      database: cpuBefore.database === null ? null : databaseCpu()! - cpuBefore.database,
      client: (client.user + client.system) / 1e6,
    };
    return { label, outcomes: count * perDevice, batches: batches.length, ms, retried, cpu };
  } finally {
    await Promise.all(nodes.map((node) => stopNode(node.child)));
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The highest rate these cores could give if the intake spent nothing but its signature checks and
 * the client nothing at all: the database's measured CPU per outcome plus one check per outcome at
 * the ceiling's cost (cores / checks per second), over the cores. Null where the database runs
 * inside the node (SQLite). Derived from this run's measurements: it says how much of the
 * ceiling is out of reach while the database shares the cores, whatever the intake's own code does.
 */
export function databaseBound(run: Pick<IngestRun, 'outcomes' | 'cpu'>, ceiling: number, cores = availableParallelism()): number | null {
  if (run.cpu.database === null) return null;
  return cores / (run.cpu.database / run.outcomes + cores / ceiling);
}

export function printIngestBench(ceilings: VerifyCeiling[], runs: IngestRun[]): void {
  const ceiling = Math.max(...ceilings.filter((c) => c.label.startsWith('node:crypto')).map((c) => c.perSecond));
  // Per intake core: outcomes over the CPU seconds the intake nodes spent (the sizing figure); the database's and the client's share the same cores here.
  printTable(
    ['metric', 'outcomes', 'batches', 'time', 'outcomes/s', 'of ceiling', 'target', 'CPU s: intake / database / client', 'outcomes per intake CPU s'],
    [
      ...runs.map((run) => {
        const rate = run.outcomes / (run.ms / 1000);
        const cpu = `${run.cpu.intake.toFixed(1)} / ${run.cpu.database === null ? 'in the node' : run.cpu.database.toFixed(1)} / ${run.cpu.client.toFixed(1)}`;
        return [
          `ingest: ${run.label}${run.retried ? ` (${run.retried} × 429 sent again)` : ''}`,
          String(run.outcomes),
          String(run.batches),
          `${(run.ms / 1000).toFixed(2)} s`,
          rate.toFixed(0),
          `${((rate / ceiling) * 100).toFixed(0)} %`,
          '≥ 60 %',
          cpu,
          (run.outcomes / run.cpu.intake).toFixed(0),
        ];
      }),
      ...runs.flatMap((run) => {
        const bound = databaseBound(run, ceiling);
        return bound === null
          ? []
          : [[`  bound: ${run.label}: the database's CPU and one check per outcome alone, ${availableParallelism()} cores`, '—', '—', '—', bound.toFixed(0), `${((bound / ceiling) * 100).toFixed(0)} %`, '—', '—', '—']];
      }),
      ...ceilings.map((c) => [`  baseline: Ed25519 checks/s, ${c.label}`, '—', '—', '—', c.perSecond.toFixed(0), `${((c.perSecond / ceiling) * 100).toFixed(0)} %`, c.perSecond === ceiling ? 'ceiling' : '—', '—', '—']),
    ],
  );
}

