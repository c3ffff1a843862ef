import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, bootIntake, closeAll } from './securityHarness';

afterEach(closeAll);

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A pairing attempt over real HTTP from a loopback address of our choosing (inject() would skip the server). */
function attempt(origin: string, localAddress: string, urlPath = '/v1/pairings'): Promise<Answer> {
  const url = new URL(urlPath, origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', agent: false, localAddress, headers: { 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body }));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ code: '123456', loginName: 'nobody', password: 'wrong password' }));
  });
}

const early = async (origin: string): Promise<number> => {
  const text = await fetch(new URL('/metrics', origin), { headers: { authorization: `Bearer ${ADMIN}` } }).then((r) => r.text());
  return Number(/^intake_early_refusals\{[^}]*\} (\d+)$/m.exec(text)?.[1]);
};

const securityHeaders = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !['date', 'connection', 'keep-alive', 'content-length', 'retry-after', 'transfer-encoding'].includes(name) && !name.startsWith('x-ratelimit')));

// Finding (issue 18 load target): a burst of refused attempts went through every hook one by one
// and held /v1/health back; once refused, an address is now answered before routing.
describe('an address the pairing limit refused', () => {
  it('is answered 429 before routing, with the same body code and security headers, until its window ends', async () => {
    let clock = 1_000_000;
    // Counted in the database, the limiter reads the same clock as the early answer.
    const intake = await bootIntake({ rateLimits: { pairPerMinute: 2 }, sharedRateLimits: true, now: () => clock });
    const [first, second, byLimiter] = [await attempt(intake.origin, '127.0.0.21'), await attempt(intake.origin, '127.0.0.21'), await attempt(intake.origin, '127.0.0.21')];
    expect([first.status, second.status, byLimiter.status]).toEqual([401, 401, 429]);
    expect(await early(intake.origin)).toBe(0);

    const answered = await attempt(intake.origin, '127.0.0.21');
    expect(answered.status).toBe(429);
    expect(JSON.parse(answered.body)).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/^too many requests from this address; retry in \d+ s$/) } });
    expect(Number(answered.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(answered.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(securityHeaders(answered.headers)).toEqual(securityHeaders(byLimiter.headers));
    expect(await early(intake.origin)).toBe(1);

    // Another address, and another route from the refused one, still reach the intake.
    expect((await attempt(intake.origin, '127.0.0.22')).status).toBe(401);
    expect((await attempt(intake.origin, '127.0.0.21', '/v1/devices')).status).toBe(400);
    // With a query string it is the same route.
    expect((await attempt(intake.origin, '127.0.0.21', '/v1/pairings?x=1')).status).toBe(429);
    expect(await early(intake.origin)).toBe(2);

    // The window over, the address is the limiter's again (which has forgotten it too).
    clock += 61_000;
    expect((await attempt(intake.origin, '127.0.0.21')).status).toBe(401);
    expect(await early(intake.origin)).toBe(2);
  });

  it('behind a trusted proxy, is left to the limiter (the socket address is the proxy)', async () => {
    const intake = await bootIntake({ rateLimits: { pairPerMinute: 1 }, trustProxy: '127.0.0.1' });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await attempt(intake.origin, '127.0.0.1')).status);
    expect(statuses).toEqual([401, 429, 429]);
    expect(await early(intake.origin)).toBe(0);
  });
});
