import { describe, expect, it } from 'vitest';
import { createDashboardApi, DashboardApiError } from './dashboardApi';

const NO_TICKETS = {
  opened: 0,
  rectifying: 0,
  rectified: 0,
  rectifiedOnTime: 0,
  completionRate: null,
  onTimeRate: null,
  revisited: 0,
  satisfied: 0,
  satisfactionRate: null,
  appeals: { filed: 0, upheld: 0, rejected: 0, pending: 0 },
};

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('dashboard API client', () => {
  it('sends the bearer token and the query, and checks the answer against the contract', async () => {
    const calls: Array<[string, RequestInit | undefined]> = [];
    const api = createDashboardApi('http://intake', async (url, init) => {
      calls.push([String(url), init]);
      return json(200, { hall: 'H1', from: '2026-11-01', to: '2026-11-30', by: 'dept', bucket: 'total', rows: [], tickets: NO_TICKETS });
    });
    const result = await api.aggregates('secret', { hall: 'H1', from: '2026-11-01', to: '2026-11-30', by: 'dept', bucket: 'total' });
    expect(result.rows).toEqual([]);
    expect(calls[0]?.[0]).toBe('http://intake/v1/dashboard/aggregates?hall=H1&from=2026-11-01&to=2026-11-30&by=dept&bucket=total');
    expect(calls[0]?.[1]?.headers).toEqual({ authorization: 'Bearer secret' });
  });

  it("an error carries the intake's own message and status", async () => {
    const api = createDashboardApi('', async () => json(403, { error: { code: 'wrong_hall', message: 'this token does not read hall H2' } }));
    const failure = api.hotWords('t', { hall: 'H2', from: '2026-11-01', to: '2026-11-30', limit: 5 });
    await expect(failure).rejects.toBeInstanceOf(DashboardApiError);
    await expect(failure).rejects.toMatchObject({ status: 403, message: 'this token does not read hall H2' });
  });

  it('an answer that does not match the contract is refused, not shown', async () => {
    const api = createDashboardApi('', async () => json(200, { hall: 'H1', totals: { total: '8' } }));
    await expect(api.publicDisplay({ hall: 'H1', from: '2026-11-01', to: '2026-11-30' })).rejects.toThrow('unexpected form');
  });

  it('the public display needs no token; the hall is escaped into the path', async () => {
    let seen: [string, RequestInit | undefined] | undefined;
    const api = createDashboardApi('', async (url, init) => {
      seen = [String(url), init];
      return json(404, { error: { code: 'not_found', message: 'no route' } });
    });
    await expect(api.publicDisplay({ hall: 'A/B', from: '2026-11-01', to: '2026-11-30' })).rejects.toMatchObject({ status: 404 });
    expect(seen?.[0]).toBe('/v1/public/halls/A%2FB/display?from=2026-11-01&to=2026-11-30');
    expect(seen?.[1]?.headers).toEqual({});
  });
});
