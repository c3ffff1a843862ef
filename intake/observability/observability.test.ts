import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningIntake } from '../server';
import { chain } from '../testing/signedOutcomes';
import { adminGet, enrolledIntake, HARNESS_ADMIN, item, upload } from '../testing/intakeHarness';
import { intakeLogger } from './logging';

const running: RunningIntake[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((i) => i.close()));
});

const scrape = async (intake: RunningIntake, token = HARNESS_ADMIN) => intake.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });

describe('metrics, health and the request log (issue 25)', () => {
  it('counts answers by route and status, error answers by code, and ingested outcomes by result; nothing personal in the scrape', async () => {
    const { intake, key } = await enrolledIntake(running);
    const outcomes = chain([item(5), item(1, { comment: '等了很久 13812345678' })], key.privateKey);
    await upload(intake, key, outcomes);
    await upload(intake, key, [outcomes[0]]);
    await intake.app.inject({ method: 'GET', url: '/v1/nothing-here' });
    await intake.app.inject({ method: 'GET', url: '/v1/admin/fleet' });
    expect((await scrape(intake, 'wrong-token-0123456789abcdefghijkl')).statusCode).toBe(401);
    const response = await scrape(intake);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    expect(text).toMatch(/intake_http_requests_total\{route="\/v1\/outcomes\/batch",method="POST",status="200",node="[^"]+"\} 2/);
    expect(text).toMatch(/intake_ingested_outcomes_total\{status="accepted",code="",node="[^"]+"\} 2/);
    expect(text).toMatch(/intake_ingested_outcomes_total\{status="duplicate",code="",node="[^"]+"\} 1/);
    expect(text).toMatch(/intake_batch_size_count\{node="[^"]+"\} 2/);
    expect(text).toMatch(/intake_errors_total\{code="not_found",node="[^"]+"\} 1/);
    expect(text).toMatch(/intake_errors_total\{code="unauthorized",node="[^"]+"\} 2/);
    expect(text).toMatch(/intake_fleet_open_flags\{node="[^"]+"\} 0/);
    expect(text).toContain('process_cpu_seconds_total');
    for (const secret of ['dev-1', 'h1', '13812345678', '等了很久', '李四', HARNESS_ADMIN]) expect(text).not.toContain(secret);
    // The scrape itself reads nothing from the URL: ids in paths are route patterns.
    expect(text).not.toContain('/v1/nothing-here');
  });

  it('gauges the forwarding queue per destination and state, and the open and overdue 差评 tickets, when scraped', async () => {
    let clock = Date.UTC(2026, 11, 1, 2);
    const { intake, key } = await enrolledIntake(running, () => clock);
    await intake.store.forwarding.setDestinations([{ name: 'fujian', hallCode: 'h1' }]);
    await upload(intake, key, chain([item(5), item(1), item(4)], key.privateKey), undefined, clock);
    const gauges = async () => (await scrape(intake)).body.split('\n').filter((line) => /^intake_(forward|ticket|ticket_state)_queue_depth\{/.test(line)).map((line) => line.replace(/,?node="[^"]+"/, ''));
    expect(await gauges()).toEqual([
      'intake_forward_queue_depth{destination="fujian",state="pending"} 3',
      'intake_forward_queue_depth{destination="fujian",state="sending"} 0',
      'intake_ticket_state_queue_depth{destination="fujian",state="pending"} 0',
      'intake_ticket_state_queue_depth{destination="fujian",state="sending"} 0',
      'intake_ticket_queue_depth{kind="open"} 1',
      'intake_ticket_queue_depth{kind="overdue"} 0',
    ]);
    // A month on, the 差评's first contact (1 working day) is long overdue.
    clock += 30 * 24 * 3600_000;
    expect(await gauges()).toContain('intake_ticket_queue_depth{kind="overdue"} 1');
  });

  it('answers live and ready, and not ready when the database does not answer', async () => {
    const { intake } = await enrolledIntake(running);
    expect((await intake.app.inject({ method: 'GET', url: '/v1/health/live' })).json()).toEqual({ ok: true });
    expect((await intake.app.inject({ method: 'GET', url: '/v1/health/ready' })).json()).toEqual({ ok: true });
    intake.store.fleet.devices = async () => {
      throw new Error('database is locked');
    };
    const ready = await intake.app.inject({ method: 'GET', url: '/v1/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ error: { code: 'not_ready' } });
    expect((await intake.app.inject({ method: 'GET', url: '/v1/health/live' })).statusCode).toBe(200);
    expect(await adminGet(intake, '/v1/health')).toEqual({ ok: true });
  });

  it('logs a request as method, path without query, route, address and status: no token, signature, cookie or query', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => void (lines.push(chunk.toString()), done()) });
    const logger = pino(intakeLogger('info') as pino.LoggerOptions, sink);
    logger.info({
      req: { method: 'GET', url: '/v1/devices/dev-1/invitations?ticket=secret-ticket-value', ip: '10.0.0.7', params: { deviceId: 'dev-1' }, routeOptions: { url: '/v1/devices/:deviceId/invitations' }, headers: { authorization: 'Bearer secret-admin' } },
      res: { statusCode: 200 },
    }, 'request completed');
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line.req).toEqual({ method: 'GET', path: '/v1/devices/dev-1/invitations', route: '/v1/devices/:deviceId/invitations', ip: '10.0.0.7' });
    expect(line.res).toEqual({ status: 200 });
    expect(lines[0]).not.toContain('secret');
  });

  it('logs a case link and a pairing code by their route, never the token or the code, and a request no route took by its first segment', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => void (lines.push(chunk.toString()), done()) });
    const { intake } = await enrolledIntake(running, undefined, { logLevel: 'info', logStream: sink });
    const token = 'xLbfrZJJPwfcwEg9ozfvGg.D9Si2b97W2D65CbFnGO7Sw';
    lines.length = 0; // the enrolment's own line
    await intake.app.inject({ method: 'GET', url: `/r/${token}` });
    await intake.app.inject({ method: 'POST', url: `/r/${token}`, payload: 'level=5', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    await intake.app.inject({ method: 'GET', url: '/v1/devices/dev-1/pairing-codes/983183' });
    await intake.app.inject({ method: 'DELETE', url: `/v1/devices/dev-1/pairing-codes/983183/${token}` });
    // No route took these: a scanner's trailing slash, another method.
    await intake.app.inject({ method: 'GET', url: `/r/${token}/` });
    await intake.app.inject({ method: 'PUT', url: `/r/${token}` });
    const paths = lines.map((line) => JSON.parse(line) as { req?: { path: string } }).flatMap((line) => (line.req ? [line.req.path] : []));
    expect(paths).toEqual(['/r/:token', '/r/:token', '/v1/devices/dev-1/pairing-codes/:code', '/v1/…', '/r/…', '/r/…']);
    expect(lines.join('')).not.toMatch(/xLbfrZJJ|983183/);
  });
});
