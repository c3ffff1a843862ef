import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregateResponseSchema } from '../contract/dashboard';
import { createTestDatabase, emptyDatabase } from '../scripts/pgTestDatabase';
import { originHost, startIntake, type IntakeOptions, type StartedIntake } from './server';
import { openPostgresStore, type PostgresStore } from './store/postgres/postgresStore';
import { adminGet, closedAfterEach, enrolDev1, HARNESS_ADMIN, harnessOptions, item, upload } from './testing/intakeHarness';
import { chain } from './testing/signedOutcomes';
import { signedRequest } from './testing/signedRequests';
import { startTcpRelay } from './testing/tcpRelay';

let database: { url: string; drop(): Promise<void> };
beforeAll(async () => {
  database = await createTestDatabase();
  // Migrated once here, so each test can empty it before its nodes start.
  await (await openPostgresStore(database.url)).close();
});
afterAll(async () => {
  await database?.drop();
});

const intakes = closedAfterEach<StartedIntake>();

/** An intake node on the test file's PostgreSQL database (several nodes share it). */
async function node(extra: Partial<IntakeOptions> = {}): Promise<StartedIntake> {
  const intake = await startIntake({ ...harnessOptions(path.join(mkdtempSync(path.join(tmpdir(), 'pg-node-')), 'unused.sqlite')), ...extra, databaseUrl: database.url });
  intakes.push(intake);
  return intake;
}

const aggregates = async (intake: StartedIntake) =>
  AggregateResponseSchema.parse(await adminGet(intake, '/v1/dashboard/aggregates?hall=h1&from=2026-11-23&to=2026-11-23&by=hall')).rows.map((r) => [r.key, r.total, r.good, r.bad]);

describe('the intake on PostgreSQL', () => {
  it('stores a signed batch once, answers its resend as duplicates, and counts it in the dashboard', async () => {
    await emptyDatabase(database.url);
    const intake = await node();
    const { key } = await enrolDev1(intake);
    const batch = chain([item(5), item(1), item(4)], key.privateKey);
    expect((await upload(intake, key, batch)).results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect((await upload(intake, key, batch)).results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(await adminGet(intake, '/v1/admin/outcomes/count?deviceId=dev-1')).toEqual({ count: 3 });
    const recheck = await adminGet(intake, '/v1/admin/integrity/recheck?deviceId=dev-1');
    expect(recheck).toMatchObject({ checked: 3, verified: 3, failures: [] });
    expect(await aggregates(intake)).toEqual([['h1', 3, 2, 1]]);
    const listed = await adminGet(intake, '/v1/admin/outcomes?deviceId=dev-1');
    expect(listed.outcomes.map((o: { id: string }) => o.id)).toEqual(batch.map((o) => o.id));
  });

  it('answers an outcome holding NUL, which PostgreSQL text cannot store, on its own, and stores the rest of its batch', async () => {
    await emptyDatabase(database.url);
    const intake = await node();
    const { key } = await enrolDev1(intake);
    const batch = chain([item(5), item(4, { comment: 'before\u0000after' }), item(3)], key.privateKey);
    const answer = await upload(intake, key, batch);
    expect(answer.results.map((r) => [r.status, r.code])).toEqual([['accepted', undefined], ['rejected', 'invalid'], ['accepted', undefined]]);
    expect(answer.results[1]).toMatchObject({ reason: expect.stringContaining('comment holds the character U+0000') });
    expect(await adminGet(intake, '/v1/admin/outcomes/count?deviceId=dev-1')).toEqual({ count: 2 });
    // A request holding it anywhere else is refused whole, as bad input, not as an internal error.
    const admin = { authorization: `Bearer ${HARNESS_ADMIN}` };
    const query = await intake.app.inject({ method: 'GET', url: '/v1/admin/outcomes?deviceId=dev%00-1', headers: admin });
    expect([query.statusCode, query.json().error.code]).toEqual([400, 'invalid_query']);
    const body = await intake.app.inject({ method: 'POST', url: '/v1/admin/devices/dev-1/trust', headers: admin, payload: { by: 'it\u0000', reason: 'checked' } });
    expect([body.statusCode, body.json().error.code, body.json().error.message]).toEqual([400, 'malformed_body', 'by holds the character U+0000 (NUL), which the intake does not store']);
  });

  it('records a gap in the chain as an integrity event', async () => {
    await emptyDatabase(database.url);
    const intake = await node();
    const { key } = await enrolDev1(intake);
    const [first, , third] = chain([item(5), item(4), item(3)], key.privateKey);
    expect((await upload(intake, key, [first, third])).results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    const report = await adminGet(intake, '/v1/admin/integrity?deviceId=dev-1');
    expect(report.gaps).toEqual([{ fromSeq: 2, toSeq: 2 }]);
    expect(report.events.map((e: { kind: string; seq: number }) => [e.kind, e.seq])).toEqual([['gap', 3]]);
  });

  it('stores each outcome once when two nodes on one database take the same batches at once', async () => {
    await emptyDatabase(database.url);
    const [a, b] = [await node(), await node()];
    const { key } = await enrolDev1(a);
    const outcomes = chain([item(5), item(1), item(2), item(4), item(3), item(5)], key.privateKey);
    const firstHalf = outcomes.slice(0, 3);
    const secondHalf = outcomes.slice(3);
    const answers = await Promise.all([upload(a, key, firstHalf), upload(b, key, firstHalf), upload(b, key, secondHalf), upload(a, key, secondHalf)]);
    for (const [one, other] of [
      [answers[0], answers[1]],
      [answers[2], answers[3]],
    ] as const) {
      const statuses = one.results.map((r, i) => [r.status, other.results[i]?.status].sort().join('+'));
      expect(statuses).toEqual(['accepted+duplicate', 'accepted+duplicate', 'accepted+duplicate']);
    }
    expect(await adminGet(b, '/v1/admin/outcomes/count?deviceId=dev-1')).toEqual({ count: 6 });
    expect(await adminGet(a, '/v1/admin/integrity/recheck?deviceId=dev-1')).toMatchObject({ checked: 6, verified: 6, failures: [] });
    // Counted once each: the dashboard agrees with what is stored, on either node.
    expect(await aggregates(a)).toEqual([['h1', 6, 4, 2]]);
    expect(await aggregates(b)).toEqual([['h1', 6, 4, 2]]);
  });

  it('counts per-address limits across nodes without being told, and listens on the address it is given', async () => {
    await emptyDatabase(database.url);
    const [a, b] = [await node({ rateLimits: { enrolPerMinute: 2 } }), await node({ rateLimits: { enrolPerMinute: 2 }, host: '0.0.0.0' })];
    const enrol = (intake: StartedIntake) => intake.app.inject({ method: 'POST', url: '/v1/devices', payload: { enrolmentToken: 'not-a-token', deviceId: 'dev-9', publicKey: 'x' } });
    expect([(await enrol(a)).statusCode, (await enrol(b)).statusCode, (await enrol(b)).statusCode, (await enrol(a)).statusCode]).toEqual([400, 400, 429, 429]);
    expect(b.app.server.address()).toMatchObject({ address: '0.0.0.0' });
    expect((await fetch(`${b.origin}/v1/health/live`)).status).toBe(200);
    expect([originHost('0.0.0.0'), originHost('::'), originHost('::1'), originHost('10.0.0.11')]).toEqual(['127.0.0.1', '127.0.0.1', '[::1]', '10.0.0.11']);
  });

  it('answers 503 with Retry-After while its database is down or hangs, keeps its metrics scrape, and carries on when it is back', async () => {
    await emptyDatabase(database.url);
    const target = new URL(database.url);
    const relay = await startTcpRelay(Number(target.port), target.hostname);
    try {
      const viaRelay = new URL(database.url);
      viaRelay.port = String(relay.port);
      const logged: string[] = [];
      const a = await startIntake({ ...harnessOptions(path.join(mkdtempSync(path.join(tmpdir(), 'pg-node-')), 'unused.sqlite')), databaseUrl: viaRelay.toString(), log: (line) => logged.push(line) });
      intakes.push(a);
      const { key } = await enrolDev1(a);
      const [first, second, third] = chain([item(5), item(1), item(3)], key.privateKey);
      expect((await upload(a, key, [first])).results[0]?.status).toBe('accepted');
      const admin = { authorization: `Bearer ${HARNESS_ADMIN}` };
      const batch = () => signedRequest(a, { deviceId: 'dev-1', privateKey: key.privateKey }, 'POST', '/v1/outcomes/batch', JSON.stringify({ deviceId: 'dev-1', outcomes: [second] }));

      await relay.cut();
      const down = await batch();
      expect([down.statusCode, down.headers['retry-after'], down.json().error.code]).toEqual([503, '5', 'unavailable']);
      const ready = await a.app.inject({ method: 'GET', url: '/v1/health/ready' });
      expect([ready.statusCode, ready.json().error]).toEqual([503, { code: 'not_ready', message: 'the database does not answer' }]);
      expect(ready.body).not.toContain(String(relay.port));
      expect((await a.app.inject({ method: 'GET', url: '/v1/health/live' })).statusCode).toBe(200);
      const scrape = await a.app.inject({ method: 'GET', url: '/metrics', headers: admin });
      expect(scrape.statusCode).toBe(200);
      // Each gauge that read the database is left out (NaN without labels), and counted as not read.
      expect(scrape.body).toMatch(/^intake_metrics_read_failures_total\{gauge="intake_forward_queue_depth",node="[^"]+"\} 1$/m);
      expect(scrape.body).toMatch(/^intake_fleet_open_flags\{node="[^"]+"\} Nan$/m);
      expect(scrape.body).not.toMatch(/^intake_ticket_queue_depth\{/m);
      expect(scrape.body).toContain('process_cpu_user_seconds_total');
      expect(logged.some((line) => line.startsWith('intake: not ready:'))).toBe(true);

      // Hanging rather than refusing: readiness still answers, within its 2 s.
      await relay.restore();
      expect((await batch()).json().results[0].status).toBe('accepted');
      relay.freeze();
      const started = Date.now();
      expect((await a.app.inject({ method: 'GET', url: '/v1/health/ready' })).statusCode).toBe(503);
      expect(Date.now() - started).toBeLessThan(4000);
      await relay.restore();
      expect((await upload(a, key, [third])).results[0]?.status).toBe('accepted');
      expect(await adminGet(a, '/v1/admin/outcomes/count?deviceId=dev-1')).toEqual({ count: 3 });
    } finally {
      await relay.close();
    }
  }, 30_000);

  it('keeps one live feed per device across nodes: a feed opened on node B ends the one node A held, and only B gets what comes next', async () => {
    await emptyDatabase(database.url);
    const CASE_TOKEN = 'pad-case-token-0002-0123456789abcdef';
    const [a, b] = [await node({ caseEventTokens: { 'dev-1': CASE_TOKEN } }), await node({ caseEventTokens: { 'dev-1': CASE_TOKEN } })];
    const { key } = await enrolDev1(a);
    const device = { deviceId: 'dev-1', privateKey: key.privateKey };
    const open = async (intake: StartedIntake) => {
      const ticket = (await signedRequest(intake, device, 'POST', '/v1/devices/dev-1/feed-tickets')).json().ticket as string;
      const response = await fetch(`${intake.origin}/v1/devices/dev-1/invitations?ticket=${ticket}`);
      expect(response.status).toBe(200);
      return response;
    };
    const onA = await open(a);
    const heldByA = feedText(onA, 3000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const onB = await open(b);
    const heldByB = feedText(onB, 3000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const event = { event: 'closed', case: { projectNo: 'PAD-C', taskCode: 'T1', taskName: '事项', deptName: '部门' }, staff: { loginName: 'w5', name: '王五' } };
    const posted = await a.app.inject({ method: 'POST', url: '/v1/devices/dev-1/case-events', headers: { authorization: `Bearer ${CASE_TOKEN}` }, payload: event });
    expect(posted.statusCode).toBe(202);
    const [fromA, fromB] = await Promise.all([heldByA, heldByB]);
    expect(fromA.ended).toBe(true);
    expect(fromA.text).toContain('event: replaced');
    expect(fromA.text).not.toContain(posted.json().invitationId);
    expect(fromB.ended).toBe(false);
    expect(fromB.text).toContain(posted.json().invitationId);
  });

  it('ends the feeds a node holds once its listener is back from a lost connection, plainly, so their devices open them again', async () => {
    await emptyDatabase(database.url);
    const a = await node();
    const { key } = await enrolDev1(a);
    const ticket = (await signedRequest(a, { deviceId: 'dev-1', privateKey: key.privateKey }, 'POST', '/v1/devices/dev-1/feed-tickets')).json().ticket as string;
    const response = await fetch(`${a.origin}/v1/devices/dev-1/invitations?ticket=${ticket}`);
    expect(response.status).toBe(200);
    const held = feedText(response, 6000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { pool } = a.store as PostgresStore;
    await pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'");
    const { text, ended } = await held;
    expect(ended).toBe(true);
    expect(text).not.toContain('event: replaced');
  });

  it('delivers an invitation posted through one node to the tablet feed held by another (LISTEN/NOTIFY)', async () => {
    await emptyDatabase(database.url);
    const CASE_TOKEN = 'pad-case-token-0001-0123456789abcdef';
    const [a, b] = [await node({ caseEventTokens: { 'dev-1': CASE_TOKEN } }), await node({ caseEventTokens: { 'dev-1': CASE_TOKEN } })];
    const { key } = await enrolDev1(a);
    const device = { deviceId: 'dev-1', privateKey: key.privateKey };
    const ticket = (await signedRequest(a, device, 'POST', '/v1/devices/dev-1/feed-tickets')).json().ticket as string;
    const controller = new AbortController();
    const feed = await fetch(`${a.origin}/v1/devices/dev-1/invitations?ticket=${ticket}`, { signal: controller.signal });
    expect(feed.status).toBe(200);
    try {
      // The feed on node A is open (nothing pending); the window business system posts to node B.
      const event = { event: 'closed', case: { projectNo: 'PAD-B', taskCode: 'T1', taskName: '事项', deptName: '部门' }, staff: { loginName: 'w5', name: '王五' } };
      const posted = await b.app.inject({ method: 'POST', url: '/v1/devices/dev-1/case-events', headers: { authorization: `Bearer ${CASE_TOKEN}` }, payload: event });
      expect(posted.statusCode).toBe(202);
      const received = await firstInvitation(feed, 5000);
      expect(received).toMatchObject({ id: posted.json().invitationId, case: { projectNo: 'PAD-B' } });
    } finally {
      controller.abort();
    }
  });
});

/** What an SSE feed sends within `waitMs`, and whether it ended by then. */
async function feedText(response: Response, waitMs: number): Promise<{ text: string; ended: boolean }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), new Promise<null>((resolve) => setTimeout(() => resolve(null), deadline - Date.now()))]);
    if (!chunk) break;
    if (chunk.done) return { text, ended: true };
    text += decoder.decode(chunk.value, { stream: true });
  }
  await reader.cancel().catch(() => undefined);
  return { text, ended: false };
}

/** The first invitation event of an open SSE feed, or null when none came within `waitMs`. */
async function firstInvitation(response: Response, waitMs: number): Promise<unknown> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), new Promise<null>((resolve) => setTimeout(() => resolve(null), deadline - Date.now()))]);
    if (!chunk || chunk.done) return null;
    buffer += decoder.decode(chunk.value, { stream: true });
    for (const block of buffer.split('\n\n').slice(0, -1)) {
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (block.startsWith('event: invitation') && data) return JSON.parse(data);
    }
  }
  return null;
}
