import { createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Outcome } from '../contract/outcome';
import { createFujianAdapter, fujianCaseXml, fujianEnvelope } from '../intake/forwarding/adapters/fujianSoapSm4';
import { shandongRatingRecord, shandongServiceRecord } from '../intake/forwarding/adapters/shandongJsonSm2';
import { createForwarder } from '../intake/forwarding/forwarder';
import { md5Hex, sm2Encrypt, sm2KeyPair, sm4EncryptTextBase64 } from '../intake/forwarding/gm';
import { createFollowups } from '../intake/followups/followups';
import { createWorkingDays, DEFAULT_CALENDAR_FILE, loadCalendar } from '../intake/followups/workingDays';
import { createBatchIngest } from '../intake/ingest/batchIngest';
import { openSqliteStore } from '../intake/store/sqlite/sqliteStore';
import { item } from '../intake/testing/intakeHarness';
import { chain, newDeviceKey } from '../intake/testing/signedOutcomes';
import { startFujianMock } from './fujianMock';
import { printTable } from './stats';

/**
 * `npm run bench -- --only forward` (issue 22): forwarding stored ratings to a provincial interface,
 * one record per call as the real interfaces take them. `count` ratings are stored through the real
 * ingest into a fresh SQLite intake, then the forwarder sends them all to the Fujian mock
 * (fujian-soap-sm4: SM4 body, SOAP) at concurrency 1 and at `limit`, pacing off (the bench measures
 * what the queue and the interface can do; a hall paces with FORWARD_<NAME>_RATE). Beside it, in
 * the same run: the mock's own per-call floor (prebuilt requests posted straight at it, no queue,
 * no encryption on our side), and the cost per record of SM4 (Fujian) and SM2 (Shandong) alone.
 */
const APP = { appKey: 'bench-app', appSecret: 'bench-secret' };
/** A reason of the level pressed (a 差评 without one is refused). */
const TAGS = { 1: ['115'], 2: ['213'], 3: [], 4: ['413'], 5: ['510'] } as const;

async function storedRatings(count: number, tag: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-forward-'));
  const store = openSqliteStore(path.join(dir, 'intake.sqlite'));
  await store.forwarding.setDestinations([{ name: 'fujian', hallCode: '*' }]);
  const ingest = createBatchIngest(store, { followups: createFollowups(store, createWorkingDays(loadCalendar(DEFAULT_CALENDAR_FILE.pathname)), Date.now), forwardSettleMs: 0 });
  const key = newDeviceKey();
  const sender = { deviceId: 'dev-1', hallCode: 'h1', key: createPublicKey(key.privateKey) };
  let last: Outcome | undefined;
  for (let start = 0; start < count; start += 500) {
    const items = Array.from({ length: Math.min(500, count - start) }, (_, i) => {
      const level = (((start + i) % 5) + 1) as 1 | 2 | 3 | 4 | 5;
      return item(level, { tags: [...TAGS[level]], case: { projectNo: `${tag}-${start + i}`, taskCode: 'T1', taskName: '企业设立登记', deptName: '市场监督管理局', regionCode: '350102', userProp: 1 } });
    });
    const outcomes = chain(items, key.privateKey, last);
    last = outcomes[outcomes.length - 1];
    const { results } = await ingest(sender, outcomes);
    if (results.some((r) => r.status !== 'accepted')) throw new Error('bench: a rating was not stored');
  }
  return { store, close: () => (store.close(), rmSync(dir, { recursive: true, force: true })) };
}

/** Forwards `count` stored ratings at `concurrency`; records/s over the whole drain. */
async function forwardRun(count: number, concurrency: number, tag: string) {
  const mock = await startFujianMock(APP);
  const stored = await storedRatings(count, tag);
  try {
    const destination = { name: 'fujian', adapter: createFujianAdapter({ baseUrl: mock.url, ...APP }), concurrency, ratePerSec: 1e9, burst: 1e9 };
    const forwarder = createForwarder(stored.store, { destinations: [destination], batchSize: 500 });
    const started = performance.now();
    const handled = await forwarder.drain(destination);
    const ms = performance.now() - started;
    const acknowledged = (await stored.store.forwarding.report(0, Date.now() + 86_400_000, 480)).reduce((n, r) => n + r.acknowledged, 0);
    if (acknowledged !== count || mock.records.length !== count) throw new Error(`bench: ${acknowledged} acknowledged, ${mock.records.length} at the mock, of ${count}`);
    return { handled, ms, perSec: count / (ms / 1000) };
  } finally {
    stored.close();
    await mock.close();
  }
}

/** The mock's per-call floor: prebuilt getSaveEvaluation requests posted one after another (and `concurrency` at once). */
async function mockFloor(count: number, concurrency: number) {
  const mock = await startFujianMock(APP);
  try {
    const at = Date.now();
    const access = ((await (await fetch(`${mock.url}/get-token?app_key=${APP.appKey}&timestamp=${at}&sign=${md5Hex(`${APP.appSecret}${at}`)}`)).json()) as { data: { access_token: string } }).data.access_token;
    const key = md5Hex(APP.appSecret);
    const bodies = Array.from({ length: count }, (_, i) => fujianEnvelope(access, APP.appKey, sm4EncryptTextBase64(fujianCaseXml(sample(`FLOOR-${concurrency}-${i}`, (i % 5) + 1)), key)));
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++]!;
          const response = await fetch(`${mock.url}/services/evaluation`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body });
          if (!(await response.text()).includes('200')) throw new Error('bench: the mock refused a floor call');
        }
      }),
    );
    const ms = performance.now() - started;
    return { ms, perSec: count / (ms / 1000), perCallMs: (ms / count) * concurrency };
  } finally {
    await mock.close();
  }
}

function sample(projectNo: string, level: number): Outcome {
  const body = item(level as 1 | 2 | 3 | 4 | 5, { tags: [...TAGS[level as 1 | 2 | 3 | 4 | 5]], case: { projectNo, taskCode: 'T1', taskName: '企业设立登记', deptName: '市场监督管理局', regionCode: '370102', userProp: 1 } });
  return { ...body, seq: 1, prevHash: '0'.repeat(64), hash: '1'.repeat(64), signature: 'A'.repeat(86) } as Outcome;
}

/** ms per record of the 国密 work alone: SM4 of the Fujian <Case> body; SM2 of the Shandong records (service + rating) and a sign. */
function cipherCost(count: number, sm2Count: number) {
  const key = md5Hex(APP.appSecret);
  const ratings = Array.from({ length: count }, (_, i) => sample(`C-${i}`, (i % 5) + 1));
  const xml = ratings.map(fujianCaseXml);
  let started = performance.now();
  for (const text of xml) sm4EncryptTextBase64(text, key);
  const sm4Ms = (performance.now() - started) / count;
  const { publicKeyHex } = sm2KeyPair();
  const records = ratings.slice(0, sm2Count).map((r) => [JSON.stringify([shandongServiceRecord(r)]), JSON.stringify([shandongRatingRecord(r)])] as const);
  started = performance.now();
  for (const [service, rating] of records) {
    sm2Encrypt(service, publicKeyHex);
    sm2Encrypt(rating, publicKeyHex);
  }
  const sm2RecordMs = (performance.now() - started) / sm2Count;
  started = performance.now();
  for (let i = 0; i < sm2Count; i++) sm2Encrypt(`20261201093000bench-appbench-word`, publicKeyHex);
  const sm2SignMs = (performance.now() - started) / sm2Count;
  return { sm4Ms, sm2RecordMs, sm2SignMs };
}

export async function benchForward(count: number, limit: number, log: (line: string) => void) {
  log(`forwarding ${count} ratings at concurrency 1…`);
  const one = await forwardRun(count, 1, 'C1');
  log(`forwarding ${count} ratings at concurrency ${limit}…`);
  const many = await forwardRun(count, limit, `C${limit}`);
  const floorCount = Math.min(count, 2_000);
  log(`the mock's per-call floor (${floorCount} prebuilt calls, at 1 and at ${limit})…`);
  const floorOne = await mockFloor(floorCount, 1);
  const floorMany = await mockFloor(floorCount, limit);
  const cipher = cipherCost(Math.min(count, 2_000), 50);
  return { count, limit, one, many, floorOne, floorMany, floorCount, cipher };
}

export function printForwardBench(r: Awaited<ReturnType<typeof benchForward>>): void {
  const rate = (n: number) => n.toFixed(0);
  printTable(
    ['metric', 'records', 'time', 'records/s', 'ms/record', 'beside'],
    [
      ['forward to the mock province (fujian-soap-sm4), concurrency 1', String(r.count), `${(r.one.ms / 1000).toFixed(1)} s`, rate(r.one.perSec), (r.one.ms / r.count).toFixed(2), `${((r.one.perSec / r.floorOne.perSec) * 100).toFixed(0)} % of the floor at 1`],
      [`forward to the mock province, concurrency ${r.limit} (the limit)`, String(r.count), `${(r.many.ms / 1000).toFixed(1)} s`, rate(r.many.perSec), (r.many.ms / r.count).toFixed(2), `${((r.many.perSec / r.floorMany.perSec) * 100).toFixed(0)} % of the floor at ${r.limit}`],
      ['  baseline: the mock per call (prebuilt requests, no queue), 1 at a time', String(r.floorCount), `${(r.floorOne.ms / 1000).toFixed(1)} s`, rate(r.floorOne.perSec), r.floorOne.perCallMs.toFixed(2), 'same run'],
      [`  baseline: the mock per call, ${r.limit} at a time`, String(r.floorCount), `${(r.floorMany.ms / 1000).toFixed(1)} s`, rate(r.floorMany.perSec), (r.floorMany.ms / r.floorCount).toFixed(2), 'same run'],
      ['  SM4 of the Fujian <Case> body (sm-crypto)', String(Math.min(r.count, 2_000)), '—', rate(1000 / r.cipher.sm4Ms), r.cipher.sm4Ms.toFixed(3), 'per record'],
      ['  SM2 of the Shandong service + rating records (sm-crypto)', '50', '—', rate(1000 / r.cipher.sm2RecordMs), r.cipher.sm2RecordMs.toFixed(2), 'per record (2 encryptions)'],
      ['  SM2 of the Shandong sign (once a second per sender)', '50', '—', rate(1000 / r.cipher.sm2SignMs), r.cipher.sm2SignMs.toFixed(2), 'per call'],
    ],
  );
}
