/**
 * Runs inside the evaluator's page during `npm run bench` (bundled by esbuild, evaluated over
 * CDP): fills the outbox with outcomes that are hash-chained and signed by this device's own
 * key exactly as the app writes them, and sends the one-request-per-outcome baseline. The intake
 * verifies every signature and chain link, so the bench measures the real drain.
 */
import { sha256 } from '@noble/hashes/sha2';
import type { Outcome } from '../contract/outcome';
import type { UnsealedOutcome } from '../contract/outcomeChain';
import { GENESIS_HASH } from '../contract/outcomeChain';
import { openEvaluatorDb, type ChainHead, type OutboxRow } from '../src/data/db';
import { sealOutcome } from '../src/data/outbox';
import { loadOrCreateDeviceKey, outcomeSigner, signRequest } from '../src/device/deviceKey';
import { createSignedFetch, memoryClock } from '../src/sync/signedRequest';

const CHUNK = 5000;

function uuid7ish(): string {
  const a = crypto.randomUUID();
  return `${a.slice(0, 14)}7${a.slice(15)}`;
}

/**
 * A hall's mix, by seq: 2 % 非常不满意 and 2 % 不满意 (each opens a follow-up at the intake),
 * 4 % 基本满意, 10 % 满意, the rest 非常满意; every tenth with a public comment (hot words).
 */
function ratingOf(seq: number): Pick<UnsealedOutcome, 'level' | 'tags' | 'comment'> {
  const slot = seq % 50;
  const level = slot === 0 ? 1 : slot === 1 ? 2 : slot <= 3 ? 3 : slot <= 8 ? 4 : 5;
  const tags = level === 1 ? ['115'] : level === 2 ? ['214'] : [];
  const comment = seq % 10 === 0 ? (level <= 2 ? '排队等待时间太长，材料反复提交' : '办事很方便，工作人员效率高') : undefined;
  return { level, tags, ...(comment ? { comment } : {}) };
}

function unsealed(seq: number, prevHash: string, projectNo: string): UnsealedOutcome {
  return {
    id: uuid7ish(),
    deviceId: 'demo-pad-a01',
    seq,
    invitationId: uuid7ish(),
    outcome: 'rated',
    ...ratingOf(seq),
    public: true,
    callback: { requested: false },
    channel: 'hall-pad',
    ratedAt: '2026-11-22T10:00:00.000+08:00',
    monotonicMs: 1,
    clockOffsetMs: null,
    input: { method: 'touch', inviteToPressMs: 1500 },
    event: 'closed',
    case: { projectNo, taskCode: 'T001', taskName: '企业设立登记', deptName: '市场监督管理局', regionCode: '340104', userProp: 2 },
    staff: { loginName: 'zhangsan', name: '张三' },
    window: { hallCode: 'demo-hall', windowNo: 'A01', windowName: '综合受理 1 号窗口' },
    questionSetVersion: 'national-2023',
    flags: ['unpaired'],
    prevHash,
  };
}

async function withChain<T>(run: (db: ReturnType<typeof openEvaluatorDb>, head: ChainHead, sign: ReturnType<typeof outcomeSigner>) => Promise<{ head: ChainHead; result: T }>): Promise<T> {
  const db = openEvaluatorDb('haochaping-evaluator');
  try {
    const head = ((await db.meta.get('chainHead'))?.value as ChainHead | undefined) ?? { seq: 0, hash: GENESIS_HASH };
    const { head: next, result } = await run(db, head, outcomeSigner(db));
    await db.meta.put({ key: 'chainHead', value: next });
    return result;
  } finally {
    db.close();
  }
}

/**
 * SHA-256 in JavaScript for sealOutcome's digest: no round trip to WebCrypto's thread per outcome,
 * so the next outcome of the chain can be built while this one's signature is still being made.
 */
const inlineDigest = {
  digest: (_algorithm: AlgorithmIdentifier, data: BufferSource) =>
    Promise.resolve(sha256(data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).slice().buffer),
} as unknown as SubtleCrypto;

/**
 * Seals `count` outcomes after `head` with the app's own sealOutcome. Each outcome's hash is the
 * next one's prevHash, so the chain is built one after another, but only up to the hash: the
 * signer hears the hash (signedBytes is its UTF-8 text) and the next outcome starts while the
 * device key signs, and the signatures are awaited together.
 */
async function sealChain(count: number, head: ChainHead, sign: ReturnType<typeof outcomeSigner>, projectNo: (i: number) => string): Promise<Outcome[]> {
  const text = new TextDecoder();
  const sealing: Promise<Outcome>[] = [];
  let prev = head;
  for (let i = 0; i < count; i++) {
    let heard!: (hash: string) => void;
    const hashed = new Promise<string>((resolve) => (heard = resolve));
    const signer = (bytes: Uint8Array) => {
      heard(text.decode(bytes));
      return sign(bytes);
    };
    sealing.push(sealOutcome(unsealed(prev.seq + 1, prev.hash, projectNo(i)), signer, inlineDigest));
    prev = { seq: prev.seq + 1, hash: await hashed };
  }
  return Promise.all(sealing);
}

/**
 * Appends `count` signed outcomes to the outbox, continuing the device's chain; `firstIndex`
 * numbers their cases on from an earlier call. Each row carries its slot as the app writes it
 * (`<invitationId>#0`), so the outbox's unique slot index is as full as a real device's.
 */
function seedOutbox(count: number, firstIndex = 0): Promise<number> {
  return withChain(async (db, start, sign) => {
    let head = start;
    // The database writes one chunk while the page seals the next.
    let writing: Promise<unknown> = Promise.resolve();
    for (let from = 0; from < count; from += CHUNK) {
      const sealed = await sealChain(Math.min(CHUNK, count - from), head, sign, (i) => `BENCH-${firstIndex + from + i}`);
      const last = sealed[sealed.length - 1]!;
      head = { seq: last.seq, hash: last.hash };
      const storedAtMs = Date.now();
      await writing;
      writing = db.outbox.bulkAdd(sealed.map((outcome): OutboxRow => ({ ...outcome, storedAtMs, slot: `${outcome.invitationId}#0` })));
    }
    await writing;
    return { head, result: count };
  });
}

/** Baseline: each outcome in its own signed request, one after another (a background-sync replay). */
function sendOneByOne(count: number, intakeUrl: string): Promise<number> {
  return withChain(async (db, start, sign) => {
    const pair = await loadOrCreateDeviceKey(db);
    // Each request signed as the device signs (method, path, body hash, nonce, time).
    const signed = createSignedFetch({ baseUrl: intakeUrl, deviceId: 'demo-pad-a01', sign: (ts, payload) => signRequest(pair, ts, payload), now: Date.now, clock: memoryClock() });
    let head = start;
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const outcome = await sealOutcome(unsealed(head.seq + 1, head.hash, `BASE-${i}`), sign);
      head = { seq: outcome.seq, hash: outcome.hash };
      const body = JSON.stringify({ deviceId: 'demo-pad-a01', outcomes: [outcome] });
      const { response } = await signed('POST', '/v1/outcomes/batch', body);
      if (!response.ok) throw new Error(`baseline request failed: ${response.status}`);
      const answer = (await response.json()) as { results: Array<{ status: string; reason?: string }> };
      if (answer.results[0]?.status !== 'accepted') throw new Error(`baseline outcome not accepted: ${JSON.stringify(answer.results[0])}`);
    }
    return { head, result: performance.now() - started };
  });
}

Object.assign(globalThis, { benchSeeder: { seedOutbox, sendOneByOne } });
