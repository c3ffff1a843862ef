import { describe, expect, it } from 'vitest';
import { createWorkApi, WorkApiError } from './workApi';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('work-queue API client', () => {
  it('carries the session’s CSRF token on every POST, none on a GET', async () => {
    const calls: Array<[string, RequestInit | undefined]> = [];
    const api = createWorkApi('', async (url, init) => {
      calls.push([String(url), init]);
      if (String(url) === '/v1/work/session') return json(200, { person: null, csrfToken: init?.method === 'POST' ? 'after-sign-in' : 'before' });
      return json(409, { error: { code: 'stale_version', message: 'the ticket is at version 3', allowed: ['determine'] } });
    });
    await api.session();
    await api.signIn('h1', 'pw');
    const refused = api.act('t1', 2, { type: 'contact', reached: true, note: '已联系' });
    await expect(refused).rejects.toBeInstanceOf(WorkApiError);
    await expect(refused).rejects.toMatchObject({ status: 409, code: 'stale_version', allowed: ['determine'] });
    expect(calls.map(([url, init]) => [url, (init?.headers as Record<string, string>)['x-csrf-token'] ?? null])).toEqual([
      ['/v1/work/session', null],
      ['/v1/work/session', 'before'],
      ['/v1/work/tickets/t1/actions', 'after-sign-in'],
    ]);
    expect(calls.every(([, init]) => init?.credentials === 'same-origin')).toBe(true);
  });

  it('refuses an answer that is not the contract’s form', async () => {
    const api = createWorkApi('', async () => json(200, { person: { login: 'x' } }));
    await expect(api.session()).rejects.toMatchObject({ code: 'unexpected' });
  });

  it('drops empty filters from the list query', async () => {
    let seen = '';
    const api = createWorkApi('', async (url) => {
      seen = String(url);
      return json(200, { tickets: [], next: null });
    });
    await api.tickets({ stage: 'opened', department: '', overdue: 'true' });
    expect(seen).toBe('/v1/work/tickets?stage=opened&overdue=true');
  });

  it('asks for a bounded page of the sign-in log, older pages by the cursor, and reads its events', async () => {
    const seen: string[] = [];
    const entry = { seq: 7, at: '2026-11-23T02:00:00.000Z', actor: { id: 'handler', department: null }, event: { type: 'lockout', lockedForMs: 30_000 }, address: '127.0.0.1' };
    const api = createWorkApi('', async (url) => {
      seen.push(String(url));
      return json(200, { entries: [entry], next: 7 });
    });
    expect(await api.sessions(20)).toEqual({ entries: [entry], next: 7 });
    await api.sessions(20, 7);
    expect(seen).toEqual(['/v1/work/log/sessions?limit=20', '/v1/work/log/sessions?limit=20&before=7']);
    // An event the contract does not name is refused, not shown.
    const odd = createWorkApi('', async () => json(200, { entries: [{ ...entry, event: { type: 'sudo' } }], next: null }));
    await expect(odd.sessions(20)).rejects.toMatchObject({ code: 'unexpected' });
  });
});
