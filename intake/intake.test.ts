import type { KeyObject } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Outcome } from '../contract/outcome';
import { GENESIS_HASH, type UnsealedOutcome } from '../contract/outcomeChain';
import { chain, newDeviceKey, sealOutcome } from './testing/signedOutcomes';
import { signedPost, signedRequest } from './testing/signedRequests';
import { SCHEMA_VERSION } from './store/sqlite/migrations';
import { openSqliteDb } from './store/sqlite/sqliteStore';
import { startIntake, type RunningIntake } from './server';

const ADMIN = 'intake-test-admin-token-0123456789';
let running: RunningIntake[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.close()));
  running = [];
});

const newKey = newDeviceKey;
/** Outcomes in these tests are signed by this key unless a test says otherwise. */
const testKey = newDeviceKey();

async function boot(dbFile = path.join(mkdtempSync(path.join(tmpdir(), 'intake-')), 'i.sqlite'), extra: Partial<Parameters<typeof startIntake>[0]> = {}) {
  const intake = await startIntake({
    dbFile,
    port: 0,
    corsOrigins: ['http://127.0.0.1:8787'],
    adminToken: ADMIN,
    enrolmentTokens: [
      { token: 'token-for-dev-1-aaaaaaaa', deviceId: 'dev-1', hallCode: 'h1', expiresAtMs: Date.now() + 60_000 },
      { token: 'token-for-dev-1x-bbbbbbb', deviceId: 'dev-1x', hallCode: 'h1', expiresAtMs: Date.now() + 60_000 },
      { token: 'token-expired-cccccccccc', deviceId: 'dev-3', hallCode: 'h1', expiresAtMs: Date.now() - 1 },
    ],
    log: () => undefined,
    ...extra,
  });
  running.push(intake);
  return { intake, dbFile };
}

const enrol = (intake: RunningIntake, enrolmentToken: string, deviceId: string, publicKey: string) =>
  intake.app.inject({ method: 'POST', url: '/v1/devices', payload: { enrolmentToken, deviceId, publicKey } });

function unsealed(deviceId: string, seq: number, overrides: Partial<UnsealedOutcome> = {}): UnsealedOutcome {
  return {
    id: uuidv7(),
    deviceId,
    seq,
    invitationId: uuidv7(),
    outcome: 'rated',
    level: 2,
    tags: ['213'],
    comment: '业务不熟练',
    public: true,
    callback: { requested: false },
    channel: 'hall-pad',
    ratedAt: '2026-11-22T10:00:00.000+08:00',
    monotonicMs: 1,
    clockOffsetMs: null,
    input: { method: 'touch', inviteToPressMs: 1200 },
    event: 'closed',
    case: { projectNo: `P-${seq}`, taskCode: 'T1', taskName: '企业设立登记', deptName: '市场监督管理局', regionCode: '340104', userProp: 1, acceptDate: '2026-11-22 09:00:00', resultDate: '2026-11-22 09:30:00' },
    staff: { loginName: 'li4', name: '李四' },
    window: { hallCode: 'h1', windowNo: 'A01', windowName: '一号窗口' },
    questionSetVersion: 'national-2023',
    flags: [],
    prevHash: GENESIS_HASH,
    ...overrides,
  };
}

/** A signed outcome (not linked to its neighbours: the chain tests link theirs with chain()). */
function outcome(deviceId: string, seq: number, overrides: Partial<UnsealedOutcome> = {}, privateKey: KeyObject = testKey.privateKey): Outcome {
  return sealOutcome(unsealed(deviceId, seq, overrides), privateKey);
}

function signedBatch(intake: RunningIntake, deviceId: string, key: { privateKey: KeyObject }, items: unknown[], opts: { timestamp?: number; bodyDeviceId?: string } = {}) {
  const payload = JSON.stringify({ deviceId: opts.bodyDeviceId ?? deviceId, outcomes: items });
  return signedPost(intake, { deviceId, privateKey: key.privateKey }, '/v1/outcomes/batch', payload, opts.timestamp === undefined ? {} : { timestamp: opts.timestamp });
}

const count = async (intake: RunningIntake, deviceId: string) =>
  (await intake.app.inject({ method: 'GET', url: `/v1/admin/outcomes/count?deviceId=${deviceId}`, headers: { authorization: `Bearer ${ADMIN}` } })).json().count as number;

describe('enrolment', () => {
  it('enrols once per token; reuse, expiry, another device and unknown tokens are refused', async () => {
    const { intake } = await boot();
    const key = newKey();
    const first = await enrol(intake, 'token-for-dev-1-aaaaaaaa', 'dev-1', key.x);
    expect(first.statusCode).toBe(201);
    // The device lost the answer (reloaded mid-enrolment) and asks again with the same key: still enrolled.
    const resend = await enrol(intake, 'token-for-dev-1-aaaaaaaa', 'dev-1', key.x);
    expect([resend.statusCode, resend.json().enrolledAt]).toEqual([201, first.json().enrolledAt]);
    const reuse = await enrol(intake, 'token-for-dev-1-aaaaaaaa', 'dev-1', newKey().x);
    expect([reuse.statusCode, reuse.json().error.code]).toEqual([409, 'token_used']);
    expect((await enrol(intake, 'token-expired-cccccccccc', 'dev-3', key.x)).json().error.code).toBe('token_expired');
    expect((await enrol(intake, 'token-for-dev-1x-bbbbbbb', 'dev-1x', 'A'.repeat(43))).statusCode).toBe(201);
    const other = await boot(undefined, { enrolmentTokens: [{ token: 'token-for-dev-9-dddddddd', deviceId: 'dev-9', hallCode: 'h1', expiresAtMs: Date.now() + 60_000 }] });
    expect((await enrol(other.intake, 'token-for-dev-9-dddddddd', 'dev-2', key.x)).json().error.code).toBe('token_for_other_device');
    expect((await enrol(intake, 'no-such-token-eeeeeeeeee', 'dev-2', key.x)).json().error.code).toBe('unknown_token');
    expect((await enrol(intake, 'short', 'dev-2', key.x)).statusCode).toBe(400);
  });
});

describe('batch upload', () => {
  async function enrolled() {
    const booted = await boot();
    const key = testKey;
    expect((await enrol(booted.intake, 'token-for-dev-1-aaaaaaaa', 'dev-1', key.x)).statusCode).toBe(201);
    return { ...booted, key };
  }

  it('answers per item: accepted, duplicate on identical resend, conflict on a changed body, rejected with reasons', async () => {
    const { intake, key } = await enrolled();
    const a = outcome('dev-1', 1);
    const b = outcome('dev-1', 2);
    const first = await signedBatch(intake, 'dev-1', key, [a, b]);
    expect(first.statusCode).toBe(200);
    expect(first.json().results).toEqual([
      { id: a.id, status: 'accepted' },
      { id: b.id, status: 'accepted' },
    ]);
    const invalid = { ...outcome('dev-1', 3), level: 9 };
    const foreign = outcome('dev-2', 4);
    const again = await signedBatch(intake, 'dev-1', key, [b, { ...a, comment: '改过的' }, invalid, foreign, outcome('dev-1', 5)]);
    const results = again.json().results;
    expect(results.map((r: { status: string; code?: string }) => r.code ?? r.status)).toEqual(['duplicate', 'conflict', 'invalid', 'wrong_device', 'accepted']);
    expect(results[2].reason).toContain('level');
    expect(await count(intake, 'dev-1')).toBe(3);
  });

  it('refuses unsigned, wrongly signed, unknown-device and stale requests with 401, storing nothing', async () => {
    const { intake, key } = await enrolled();
    const item = outcome('dev-1', 1);
    const unsigned = await intake.app.inject({ method: 'POST', url: '/v1/outcomes/batch', payload: { deviceId: 'dev-1', outcomes: [item] } });
    expect([unsigned.statusCode, unsigned.json().error.code]).toEqual([401, 'unsigned']);
    expect((await signedBatch(intake, 'dev-1', newKey(), [item])).json().error.code).toBe('bad_signature');
    // Not enrolled: the same answer as a bad signature (nothing tells which device ids exist).
    expect((await signedBatch(intake, 'dev-404', key, [outcome('dev-404', 1)])).json().error.code).toBe('bad_signature');
    expect((await signedBatch(intake, 'dev-1', key, [item], { timestamp: Date.now() - 3_600_000 })).json().error.code).toBe('stale_request');
    expect((await signedBatch(intake, 'dev-1', key, [item], { bodyDeviceId: 'dev-2' })).json().error.code).toBe('wrong_device');
    expect(await count(intake, 'dev-1')).toBe(0);
  });

  it('refuses malformed JSON (400), oversized bodies (413) and empty batches (400)', async () => {
    const { intake, key } = await enrolled();
    const malformed = await intake.app.inject({ method: 'POST', url: '/v1/outcomes/batch', headers: { 'content-type': 'application/json' }, payload: '{"deviceId":' });
    expect([malformed.statusCode, malformed.json().error.code]).toEqual([400, 'malformed_body']);
    const huge = await intake.app.inject({ method: 'POST', url: '/v1/outcomes/batch', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ pad: 'x'.repeat(1_100_000) }) });
    expect([huge.statusCode, huge.json().error.code]).toEqual([413, 'body_too_large']);
    expect((await signedBatch(intake, 'dev-1', key, [])).statusCode).toBe(400);
  });

  it('answers 429 with Retry-After when too many uploads run at once', async () => {
    const tight = await boot(undefined, { maxInFlightBatches: 0 });
    const response = await signedBatch(tight.intake, 'dev-1', newKey(), [outcome('dev-1', 1)]);
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('1');
  });

  it('keeps acknowledged outcomes across a restart; migrations run once', async () => {
    const { intake, dbFile, key } = await enrolled();
    const item = outcome('dev-1', 1);
    await signedBatch(intake, 'dev-1', key, [item]);
    await intake.close();
    running = running.filter((r) => r !== intake);
    const reopened = await boot(dbFile);
    expect(await count(reopened.intake, 'dev-1')).toBe(1);
    expect((await signedBatch(reopened.intake, 'dev-1', key, [item])).json().results[0].status).toBe('duplicate');
    expect(reopened.intake.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const raw = openSqliteDb(dbFile);
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    raw.close();
  });

  it('refuses to start on a database a newer intake migrated, and leaves it as it was', async () => {
    const { intake, dbFile } = await enrolled();
    await intake.close();
    running = running.filter((r) => r !== intake);
    const raw = new Database(dbFile);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    await expect(boot(dbFile)).rejects.toThrow(`the database was migrated by a newer intake (schema step ${SCHEMA_VERSION + 1}; this intake knows ${SCHEMA_VERSION})`);
    const after = new Database(dbFile, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    after.close();
  });

  it('refuses a large body nested past 32 levels before parsing it, and still parses a large flat one', async () => {
    const { intake } = await boot();
    const deep = `{"deviceId":"dev-1","outcomes":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const refused = await intake.app.inject({ method: 'POST', url: '/v1/outcomes/batch', headers: { 'content-type': 'application/json' }, payload: deep });
    expect([refused.statusCode, refused.json().error]).toEqual([400, { code: 'malformed_body', message: 'the body nests deeper than 32 levels' }]);
    const flat = JSON.stringify({ deviceId: 'dev-1', outcomes: Array.from({ length: 100 }, () => ({ pad: 'x'.repeat(1000) })) });
    const unsigned = await intake.app.inject({ method: 'POST', url: '/v1/outcomes/batch', headers: { 'content-type': 'application/json' }, payload: flat });
    expect(unsigned.statusCode).toBe(401);
  });

  it('answers CORS preflight for configured device origins only', async () => {
    const { intake } = await boot();
    const ok = await intake.app.inject({ method: 'OPTIONS', url: '/v1/outcomes/batch', headers: { origin: 'http://127.0.0.1:8787', 'access-control-request-method': 'POST' } });
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-headers']).toContain('x-signature');
    const other = await intake.app.inject({ method: 'OPTIONS', url: '/v1/outcomes/batch', headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const anyPort = await boot(undefined, { corsOrigins: ['http://127.0.0.1:*'] });
    const port = await anyPort.intake.app.inject({ method: 'OPTIONS', url: '/v1/outcomes/batch', headers: { origin: 'http://127.0.0.1:40123' } });
    expect(port.headers['access-control-allow-origin']).toBe('http://127.0.0.1:40123');
    const sneaky = await anyPort.intake.app.inject({ method: 'OPTIONS', url: '/v1/outcomes/batch', headers: { origin: 'http://127.0.0.1:4.evil.example' } });
    expect(sneaky.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('exports in a province profile and guards admin routes', async () => {
    const { intake, key } = await enrolled();
    await signedBatch(intake, 'dev-1', key, [outcome('dev-1', 1)]);
    expect((await intake.app.inject({ method: 'GET', url: '/v1/export?profile=anhui' })).statusCode).toBe(401);
    const exported = await intake.app.inject({ method: 'GET', url: '/v1/export?profile=zhejiang', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(exported.json().records[0]).toMatchObject({ projectNo: 'P-1', satisfaction: '2', dataSource: '133', assessNumber: '1', pf: '4', areaCode: '340104', proStatus: '3' });
    expect((await intake.app.inject({ method: 'GET', url: '/v1/export?profile=mars', headers: { authorization: `Bearer ${ADMIN}` } })).statusCode).toBe(400);
  });

  it('exports in pages that neither skip nor repeat an outcome, and warns of a rating before its case', async () => {
    const { intake, key } = await enrolled();
    // Seq 2: the tablet's clock ran 40 min slow, so it stamped 09:20, before the case closed at 09:30.
    const slow = { ratedAt: '2026-11-22T09:20:00.000+08:00' };
    // Linked into one chain: a device whose chain breaks is flagged, and its later outcomes are not exported.
    const items = chain(
      [unsealed('dev-1', 1), unsealed('dev-1', 2, { ...slow, clockOffsetMs: 40 * 60_000 }), unsealed('dev-1', 3, slow), ...[4, 5, 6, 7].map((seq) => unsealed('dev-1', seq))],
      key.privateKey,
    );
    await signedBatch(intake, 'dev-1', key, items.slice(0, 4));
    await signedBatch(intake, 'dev-1', key, items.slice(4));
    const get = async (query: string) => intake.app.inject({ method: 'GET', url: `/v1/export?profile=anhui${query}`, headers: { authorization: `Bearer ${ADMIN}` } });

    const seen: string[] = [];
    const warnings: Array<{ outcomeId: string; message: string }> = [];
    let pages = 0;
    for (let after: string | null = ''; after !== null; pages++) {
      const page = (await get(`&limit=3${after ? `&after=${after}` : ''}`)).json() as {
        records: Array<{ projectNo: string; evaluateTime: string }>;
        warnings: typeof warnings;
        next: string | null;
      };
      seen.push(...page.records.map((r) => r.projectNo));
      warnings.push(...page.warnings);
      if (page.records.some((r) => r.projectNo === 'P-2')) expect(page.records.find((r) => r.projectNo === 'P-2')?.evaluateTime).toBe('2026-11-22 10:00:00');
      after = page.next;
    }
    expect(pages).toBe(3);
    expect([...seen].sort()).toEqual(['P-1', 'P-2', 'P-3', 'P-4', 'P-5', 'P-6', 'P-7']);
    expect(new Set(seen).size).toBe(7);
    expect(warnings).toEqual([{ outcomeId: items[2]!.id, message: 'evaluateTime 2026-11-22 09:20:00 is before resultDate 2026-11-22 09:30:00' }]);

    // A stored body broken in the database is named in the warnings; the export goes on past it.
    intake.db.prepare("UPDATE outcomes SET body = '{broken' WHERE id = ?").run(items[4]!.id);
    const all = (await get('')).json() as { records: Array<{ projectNo: string }>; warnings: Array<{ outcomeId: string; message: string }>; next: string | null };
    expect(all.records.map((r) => r.projectNo).sort()).toEqual(['P-1', 'P-2', 'P-3', 'P-4', 'P-6', 'P-7']);
    expect(all.warnings.find((w) => w.outcomeId === items[4]!.id)?.message).toContain('no longer reads');
    expect(all.next).toBeNull();

    expect((await get('&after=not-a-cursor')).statusCode).toBe(400);
    expect((await get('&limit=0')).statusCode).toBe(400);
    expect((await get('&limit=5001')).statusCode).toBe(400);
    expect((await get('&from=2999-01-01T00:00:00Z')).json()).toMatchObject({ records: [], next: null });
  });
});

describe('invitations feed for PADs without a host', () => {
  async function readEvents(url: string, wanted: number, waitMs = 400): Promise<Array<{ id: string; case: { projectNo: string } }>> {
    const controller = new AbortController();
    const response = await fetch(url, { signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    const events: Array<{ id: string; case: { projectNo: string } }> = [];
    let buffer = '';
    const deadline = Date.now() + waitMs;
    while (events.length < wanted && Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now()))]);
      if (!chunk || chunk.done) break;
      buffer += new TextDecoder().decode(chunk.value);
      for (const block of buffer.split('\n\n').slice(0, -1)) {
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (block.startsWith('event: invitation') && data) events.push(JSON.parse(data));
      }
      buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
    }
    controller.abort();
    return events;
  }

  it('delivers posted case events to the device feed until acknowledged', async () => {
    const { intake } = await boot(undefined, { caseEventTokens: { 'dev-1': 'pad-case-token-0001-0123456789abcdef' } });
    const key = newKey();
    expect((await enrol(intake, 'token-for-dev-1-aaaaaaaa', 'dev-1', key.x)).statusCode).toBe(201);
    const event = { event: 'closed', case: { projectNo: 'PAD-1', taskCode: 'T1', taskName: '事项', deptName: '部门' }, staff: { loginName: 'w5', name: '王五' } };
    const post = (auth: string) => intake.app.inject({ method: 'POST', url: '/v1/devices/dev-1/case-events', headers: { authorization: auth }, payload: event });
    expect((await post('Bearer wrong')).statusCode).toBe(401);
    const first = await post('Bearer pad-case-token-0001-0123456789abcdef');
    expect(first.statusCode).toBe(202);
    expect((await post('Bearer pad-case-token-0001-0123456789abcdef')).json()).toEqual({ status: 'duplicate', invitationId: first.json().invitationId });

    const device = { deviceId: 'dev-1', privateKey: key.privateKey };
    // EventSource cannot sign: the feed opens with a single-use ticket from a signed request.
    const feedUrl = async () => `${intake.origin}/v1/devices/dev-1/invitations?ticket=${(await signedRequest(intake, device, 'POST', '/v1/devices/dev-1/feed-tickets')).json().ticket}`;
    expect((await fetch(`${intake.origin}/v1/devices/dev-1/invitations?ticket=${'x'.repeat(43)}`)).status).toBe(401);
    const events = await readEvents(await feedUrl(), 1);
    expect(events.map((e) => [e.id, e.case.projectNo])).toEqual([[first.json().invitationId, 'PAD-1']]);

    const ack = await signedRequest(intake, device, 'POST', `/v1/devices/dev-1/invitations/${first.json().invitationId}/ack`);
    expect(ack.json()).toEqual({ acknowledged: true });
    expect(await readEvents(await feedUrl(), 1, 300)).toEqual([]);
  });

  it('closes even while a client never finishes its request, after the close grace', async () => {
    const logged: string[] = [];
    const { intake } = await boot(undefined, { closeGraceMs: 300, log: (m) => logged.push(m) });
    const { port } = new URL(intake.origin);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.on('error', () => undefined);
    // Headers sent, body promised and never sent: the connection is busy, not idle.
    socket.write('POST /v1/outcomes/batch HTTP/1.1\r\nHost: intake\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"deviceId":');
    await new Promise((resolve) => setTimeout(resolve, 100));
    running = running.filter((r) => r !== intake);
    const outcome = await Promise.race([intake.close().then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open after 5 s'), 5000))]);
    expect(outcome).toBe('closed');
    expect(logged).toContain('intake: connections still busy after the close grace; dropping them');
    socket.destroy();
  });

  it('closes while a device still holds its invitation feed open', async () => {
    const { intake } = await boot();
    const key = newKey();
    expect((await enrol(intake, 'token-for-dev-1-aaaaaaaa', 'dev-1', key.x)).statusCode).toBe(201);
    const { ticket } = (await signedRequest(intake, { deviceId: 'dev-1', privateKey: key.privateKey }, 'POST', '/v1/devices/dev-1/feed-tickets')).json() as { ticket: string };
    const feed = await fetch(`${intake.origin}/v1/devices/dev-1/invitations?ticket=${ticket}`);
    expect(feed.status).toBe(200);
    const reader = feed.body!.getReader();
    const ended = (async () => {
      for (;;) if ((await reader.read()).done) return 'ended';
    })().catch(() => 'ended');
    running = running.filter((r) => r !== intake);
    const outcome = await Promise.race([intake.close().then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open after 3 s'), 3000))]);
    expect(outcome).toBe('closed');
    expect(await ended).toBe('ended');
  });
});
