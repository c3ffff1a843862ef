import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPin } from '../shared-node/adminPin';
import WebSocket from 'ws';
import { HallConfigSchema } from '../contract/hallConfig';
import { connectBridge, openLaunchLink } from './bridgeTestClient';
import { startHost, type RunningHost } from './hostServer';

const TOKEN = 'test-case-event-token-0001-at-least-32-chars';
const hall = HallConfigSchema.parse({
  hall: { code: 'h1', name: '测试大厅', regionCode: '340104' },
  windows: [{ no: 'A01', name: '一号窗口', ratingUrl: 'https://example.gov.cn/r?w=A01' }],
  devices: [{ id: 'dev-a01', windowNo: 'A01', kind: 'pad', caseEventToken: TOKEN }],
});

const validEvent = (projectNo = 'P-0001') => ({
  event: 'accepted',
  case: { projectNo, taskCode: 'T001', taskName: '居民身份证换领', deptName: '公安局', regionCode: '340104' },
  staff: { loginName: 'li4', name: '李四' },
});

let host: RunningHost;
beforeAll(async () => {
  host = await startHost({ hall, deviceId: 'dev-a01', port: 0, log: () => undefined });
});
afterAll(() => host.close());

/** The Host header a caller on this machine sends (inject's default, localhost:80, is not the host's own). */
const ownHost = (running: RunningHost = host) => new URL(running.origin).host;

const post = (body: unknown, headers: Record<string, string> = {}) =>
  host.app.inject({
    method: 'POST',
    url: '/api/case-events',
    headers: { host: ownHost(), authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

async function pendingCount(): Promise<number> {
  return (await host.app.inject({ method: 'GET', url: '/api/health', headers: { host: ownHost() } })).json().unacked;
}

const launchSession = (running: RunningHost = host) => openLaunchLink(running.launchUrl());

async function waitFor(check: () => boolean) {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('case-event endpoint refuses bad input and changes nothing', () => {
  it.each([
    ['no token', { authorization: '' }, 401, 'unauthorized'],
    ['wrong token', { authorization: 'Bearer wrong-token-wrong-token' }, 401, 'unauthorized'],
    ['basic auth', { authorization: `Basic ${TOKEN}` }, 401, 'unauthorized'],
    ['foreign origin', { origin: 'https://evil.example' }, 403, 'forbidden_origin'],
    ['form post', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'unsupported_media_type'],
  ])('%s → %i', async (_name, headers, status, code) => {
    const before = await pendingCount();
    const res = await post(validEvent('P-refused'), headers);
    expect(res.statusCode).toBe(status);
    expect(res.json().error.code).toBe(code);
    expect(await pendingCount()).toBe(before);
  });

  it('malformed JSON → 400 with a message', async () => {
    const res = await post('{"event": "accepted", ');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'malformed_body' });
  });

  it('oversized body → 413 before parsing', async () => {
    const res = await post({ ...validEvent(), case: { ...validEvent().case, taskName: 'x'.repeat(20_000) } });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('body_too_large');
  });

  it('schema violations → 400 listing every problem with its path', async () => {
    const before = await pendingCount();
    const res = await post({
      event: 'finished',
      case: { projectNo: 'has space', taskCode: 'T', taskName: '', deptName: 'd', regionCode: '1234', surprise: true },
      staff: { name: '王五' },
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json().error.issues.map((i: { path: string }) => i.path).sort();
    expect(paths).toEqual(['case', 'case.projectNo', 'case.regionCode', 'case.taskName', 'event', 'staff.loginName']);
    expect(await pendingCount()).toBe(before);
  });

  it('text holding NUL → 400 naming where, and nothing queued (the intake would refuse what it becomes)', async () => {
    const before = await pendingCount();
    const res = await post({ ...validEvent('P-nul'), staff: { loginName: 'w5', name: '王\u0000五' } });
    expect([res.statusCode, res.json().error]).toEqual([400, { code: 'invalid_case_event', message: 'staff.name holds the character U+0000 (NUL), which the intake does not store' }]);
    expect(await pendingCount()).toBe(before);
  });

  it('an event for another window → 422', async () => {
    const res = await post({ ...validEvent('P-other'), windowNo: 'B07' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('wrong_window');
  });
});

describe('case events become invitations on the bridge', () => {
  it('refuses bridge connections without the session cookie, with a wrong token or from another origin', async () => {
    const { wsUrl, cookie } = await launchSession();
    await expect(connectBridge(wsUrl.replace(/token=.*/, 'token=nope'), host.origin, { cookie })).rejects.toThrow('HTTP 401');
    await expect(connectBridge(wsUrl, host.origin)).rejects.toThrow('HTTP 401');
    await expect(connectBridge(wsUrl, 'http://evil.example', { cookie })).rejects.toThrow('HTTP 403');
    (await connectBridge(wsUrl, host.origin, { cookie })).ws.close();
  });

  it('queues while no renderer is connected, delivers on connect, forgets only after ack', async () => {
    const accepted = await post(validEvent('P-1001'));
    expect(accepted.statusCode).toBe(202);
    const { invitationId } = accepted.json();
    const resend = await post(validEvent('P-1001'));
    expect(resend.statusCode).toBe(200);
    expect(resend.json()).toEqual({ status: 'duplicate', invitationId });

    const { wsUrl, cookie } = await launchSession();
    const first = await connectBridge(wsUrl, host.origin, { cookie });
    await waitFor(() => first.messages.length >= 2);
    expect(first.messages[0]).toMatchObject({ type: 'hello', context: { device: { id: 'dev-a01' }, window: { no: 'A01' } } });
    expect(first.messages[1]).toMatchObject({ type: 'invitation', invitation: { id: invitationId, case: { projectNo: 'P-1001' } } });
    first.ws.close();

    // Not acknowledged: a reconnecting renderer gets it again.
    const second = await connectBridge(wsUrl, host.origin, { cookie });
    await waitFor(() => second.messages.some((m) => m.type === 'invitation' && m.invitation.id === invitationId));
    second.ws.send(JSON.stringify({ type: 'ack', invitationId }));
    await waitFor(() => second.messages.length >= 2);
    second.ws.send('not json'); // ignored, connection stays
    const live = await post(validEvent('P-1002'));
    await waitFor(() => second.messages.some((m) => m.type === 'invitation' && m.invitation.id === live.json().invitationId));
    second.ws.send(JSON.stringify({ type: 'ack', invitationId: live.json().invitationId }));
    await waitFor(() => second.ws.readyState === WebSocket.OPEN);
    second.ws.close();

    const third = await connectBridge(wsUrl, host.origin, { cookie });
    await new Promise((r) => setTimeout(r, 100));
    expect(third.messages.map((m) => m.type)).toEqual(['hello']);
    third.ws.close();
  });
});

describe('staff login events from the window business system', () => {
  const staffPost = (body: unknown, headers: Record<string, string> = {}) =>
    host.app.inject({
      method: 'POST',
      url: '/api/staff-session',
      headers: { host: ownHost(), authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(body),
    });

  it('passes a login and a logout to the renderer, and repeats the latest to one that connects later', async () => {
    const { wsUrl, cookie } = await launchSession();
    const early = await connectBridge(wsUrl, host.origin, { cookie });
    const login = await staffPost({ event: 'login', staff: { loginName: 'li4', name: '李四', staffNo: 'B007' } });
    expect(login.json()).toEqual({ status: 'signed-in' });
    await waitFor(() => early.messages.some((m) => m.type === 'staffSession'));
    const sent = early.messages.find((m) => m.type === 'staffSession');
    expect(sent).toMatchObject({ session: { staff: { loginName: 'li4', staffNo: 'B007' }, via: 'login-event' } });

    expect((await staffPost({ event: 'logout' })).json()).toEqual({ status: 'signed-out' });
    const late = await connectBridge(wsUrl, host.origin, { cookie });
    await waitFor(() => late.messages.some((m) => m.type === 'staffSession'));
    expect(late.messages.find((m) => m.type === 'staffSession')).toMatchObject({ session: null });
    early.ws.close();
    late.ws.close();
  });

  it('refuses a wrong token, a foreign origin and a malformed event', async () => {
    expect((await staffPost({ event: 'logout' }, { authorization: 'Bearer wrong-token-wrong-token' })).statusCode).toBe(401);
    expect((await staffPost({ event: 'logout' }, { origin: 'https://evil.example' })).statusCode).toBe(403);
    const bad = await staffPost({ event: 'login', staff: { loginName: 'x' } });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'invalid_staff_event']);
    const photo = await staffPost({ event: 'login', staff: { loginName: 'x', name: 'X', photo: 'https://evil.example/p.png' } });
    expect(photo.json().error.issues[0].path).toBe('staff.photo');
    const nul = await staffPost({ event: 'login', staff: { loginName: 'x\u0000', name: 'X' } });
    expect([nul.statusCode, nul.json().error.code]).toEqual([400, 'invalid_staff_event']);
  });

  it('refuses login events in a hall that pairs staff by code only', async () => {
    const codeOnly = await startHost({ hall: { ...hall, policies: { ...hall.policies, staffPairing: 'pairing-code' } }, deviceId: 'dev-a01', port: 0, log: () => undefined });
    try {
      const response = await codeOnly.app.inject({
        method: 'POST',
        url: '/api/staff-session',
        headers: { host: ownHost(codeOnly), authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ event: 'logout' }),
      });
      expect([response.statusCode, response.json().error.code]).toEqual([409, 'login_events_off']);
    } finally {
      await codeOnly.close();
    }
  });
});

describe('only the rating page can open the bridge, and only this host\'s own names are answered', () => {
  it('a launch link works once: a second use without the session gets nothing, with it just opens the page', async () => {
    const link = host.launchUrl();
    const first = await fetch(link, { redirect: 'manual' });
    expect(first.status).toBe(303);
    const setCookie = first.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^hcp_bridge=[^;]+; Path=\/; HttpOnly; SameSite=Strict$/);
    const again = await fetch(link, { redirect: 'manual' });
    expect([again.status, (await again.json()).error.code]).toEqual([403, 'launch_link_used']);
    const withSession = await fetch(link, { redirect: 'manual', headers: { cookie: setCookie.split(';')[0] ?? '' } });
    expect([withSession.status, withSession.headers.get('location')]).toEqual([303, first.headers.get('location')]);
  });

  const foreign = () => `evil.example:${new URL(host.origin).port}`;
  it.each([
    ['GET', '/api/health'],
    ['GET', '/'],
    ['GET', '/index.html'],
    ['GET', '/launch?code=x'],
    ['POST', '/api/case-events'],
    ['POST', '/api/staff-session'],
    ['GET', '/bridge'],
  ])('a foreign Host is refused: %s %s', async (method, url) => {
    const res = await host.app.inject({ method: method as 'GET' | 'POST', url, headers: { host: foreign(), authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, payload: method === 'POST' ? JSON.stringify(validEvent('P-REBIND')) : undefined });
    expect([res.statusCode, res.json().error.code]).toEqual([403, 'forbidden_host']);
    expect(res.body).not.toContain('dev-a01');
  });

  it('a foreign Host is refused on the WebSocket bridge, even with a valid session', async () => {
    const { wsUrl, cookie } = await launchSession();
    await expect(connectBridge(wsUrl, host.origin, { cookie, host: foreign() })).rejects.toThrow('HTTP 403');
    await expect(connectBridge(wsUrl, `http://${foreign()}`, { cookie, host: foreign() })).rejects.toThrow('HTTP 403');
    const ok = await connectBridge(wsUrl, `http://localhost:${new URL(host.origin).port}`, { cookie, host: `localhost:${new URL(host.origin).port}` });
    ok.ws.close();
  });
});

describe('the admin PIN on the host', () => {
  it('stays locked across a restart of the host (a restart gave three fresh tries)', { timeout: 60_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'host-pin-'));
    const withPin = { ...hall, adminPinHash: hashPin('2468') };
    const unlockReplies = async (running: RunningHost, pins: string[]) => {
      const { wsUrl, cookie } = await launchSession(running);
      const bridge = await connectBridge(wsUrl, running.origin, { cookie });
      for (const pin of pins) bridge.ws.send(JSON.stringify({ type: 'adminUnlock', pin }));
      await waitFor(() => bridge.messages.filter((m) => m.type === 'adminUnlock').length === pins.length);
      bridge.ws.close();
      return bridge.messages.filter((m) => m.type === 'adminUnlock');
    };
    const first = await startHost({ hall: withPin, deviceId: 'dev-a01', port: 0, dataDir, log: () => undefined });
    try {
      expect((await unlockReplies(first, ['1111', '1112', '1113'])).at(-1)).toMatchObject({ ok: false, reason: 'wrong', retryAfterMs: 30_000 });
    } finally {
      await first.close();
    }
    const second = await startHost({ hall: withPin, deviceId: 'dev-a01', port: 0, dataDir, log: () => undefined });
    try {
      expect(await unlockReplies(second, ['2468'])).toEqual([{ type: 'adminUnlock', ok: false, reason: 'locked', retryAfterMs: expect.any(Number) }]);
    } finally {
      await second.close();
    }
  });

  it('a device\'s own PIN hash replaces the hall\'s for that device', { timeout: 60_000 }, async () => {
    const withOwn = { ...hall, adminPinHash: hashPin('2468'), devices: hall.devices.map((d) => ({ ...d, adminPinHash: hashPin('97531') })) };
    const running = await startHost({ hall: withOwn, deviceId: 'dev-a01', port: 0, log: () => undefined });
    try {
      const { wsUrl, cookie } = await launchSession(running);
      const bridge = await connectBridge(wsUrl, running.origin, { cookie });
      bridge.ws.send(JSON.stringify({ type: 'adminUnlock', pin: '2468' }));
      bridge.ws.send(JSON.stringify({ type: 'adminUnlock', pin: '97531' }));
      await waitFor(() => bridge.messages.filter((m) => m.type === 'adminUnlock').length === 2);
      expect(bridge.messages.filter((m) => m.type === 'adminUnlock').map((m) => m.type === 'adminUnlock' && m.ok)).toEqual([false, true]);
      bridge.ws.close();
    } finally {
      await running.close();
    }
  });

  it('refuses to start with a case-event token under 32 characters (issue 18: 16 were enough)', async () => {
    await expect(startHost({ hall, deviceId: 'dev-a01', port: 0, caseEventToken: 'x'.repeat(31), log: () => undefined })).rejects.toThrow(/has 31 characters, at least 32 are needed/);
  });

  it('refuses to start for a device the hall config marks host-less, saying whose bundle it is', async () => {
    const hostless = { ...hall, devices: hall.devices.map(({ hostPort: _port, ...d }) => (d.id === 'dev-a01' ? { ...d, hostless: true } : d)) };
    await expect(startHost({ hall: hostless, deviceId: 'dev-a01', port: 0, log: () => undefined })).rejects.toThrow(/dev-a01 is host-less in the hall config/);
  });

  it('refuses to start on a PIN hash it cannot check, saying why', async () => {
    const salt = Buffer.alloc(16, 1).toString('base64');
    const hash = Buffer.alloc(32, 2).toString('base64');
    await expect(startHost({ hall: { ...hall, adminPinHash: `scrypt$1000$${salt}$${hash}` }, deviceId: 'dev-a01', port: 0, log: () => undefined })).rejects.toThrow(/scrypt N must be a power of two/);
  });
});
