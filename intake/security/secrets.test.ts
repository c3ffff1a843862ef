import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, bootIntake, CASE_TOKEN, closeAll } from './securityHarness';

afterEach(closeAll);

const INTAKE = path.resolve(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return file.endsWith('.ts') && !file.endsWith('.test.ts') ? [file] : [];
  });
}

// Finding: the admin and case-event token checks compared with `===`, which returns as soon as
// a character differs; the time it takes tells a guesser how much of a token was right.
describe('token comparisons', () => {
  it('no intake code compares a bearer credential with === or !==', () => {
    const offenders = sources(INTAKE).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, where: `${path.relative(INTAKE, file)}:${i + 1}` }))
        .filter(({ line }) => /(authorization|`Bearer)[^;]*[!=]==|[!=]==[^;]*(authorization|`Bearer)|\b\w*token\s*[!=]==\s*\w*token\b/i.test(line))
        .map(({ where, line }) => `${where}: ${line.trim()}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the admin token and case-event tokens still work when given exactly, and nothing else does', async () => {
    const intake = await bootIntake({ caseEventTokens: { 'dev-1': CASE_TOKEN } });
    const admin = (token: string) => intake.app.inject({ method: 'GET', url: '/v1/admin/followups', headers: { authorization: `Bearer ${token}` } });
    expect((await admin(ADMIN)).statusCode).toBe(200);
    for (const wrong of [ADMIN.slice(0, -1), `${ADMIN}x`, ADMIN.toUpperCase(), '']) expect((await admin(wrong)).statusCode).toBe(401);
    const post = (token: string) =>
      intake.app.inject({
        method: 'POST',
        url: '/v1/devices/dev-1/case-events',
        headers: { authorization: `Bearer ${token}` },
        payload: { event: 'closed', case: { projectNo: 'P1', taskCode: 'T1', taskName: '事项', deptName: '部门' }, staff: { loginName: 'w5', name: '王五' } },
      });
    expect((await post(CASE_TOKEN)).statusCode).toBe(202);
    expect((await post(CASE_TOKEN.slice(0, -1))).statusCode).toBe(401);
  });

  it('a case-event token known only by the hash npm run provision wrote works when given exactly (issue 21)', async () => {
    const hash = createHash('sha256').update(CASE_TOKEN).digest('hex');
    const intake = await bootIntake({ caseEventTokenHashes: { 'dev-1': hash } });
    const post = (token: string, device = 'dev-1') =>
      intake.app.inject({
        method: 'POST',
        url: `/v1/devices/${device}/case-events`,
        headers: { authorization: `Bearer ${token}` },
        payload: { event: 'closed', case: { projectNo: 'P2', taskCode: 'T1', taskName: '事项', deptName: '部门' }, staff: { loginName: 'w5', name: '王五' } },
      });
    expect((await post(CASE_TOKEN)).statusCode).toBe(202);
    for (const wrong of [hash, `sha256:${hash}`, CASE_TOKEN.slice(0, -1), '']) expect((await post(wrong)).statusCode).toBe(401);
    expect((await post(CASE_TOKEN, 'dev-2')).statusCode).toBe(401);
    await expect(bootIntake({ caseEventTokenHashes: { 'dev-1': 'not-a-hash' } })).rejects.toThrow(/not a hex SHA-256/);
    await expect(bootIntake({ caseEventTokens: { 'dev-1': `sha256:${hash}` } })).rejects.toThrow(/the secret itself/);
  });
});

// Finding: the admin token had no minimum length; a short one is guessed.
describe('token lengths at start', () => {
  const short = 'x'.repeat(31);
  it.each([
    ['the admin token', { adminToken: short }],
    ['a case-event token', { caseEventTokens: { 'dev-1': short } }],
    ['a dashboard token', { dashboardTokens: { H1: short } }],
  ])('an intake given %s shorter than 32 characters refuses to start', async (_what, options) => {
    await expect(bootIntake(options)).rejects.toThrow(/at least 32 characters/);
  });

  it('32 characters are enough', async () => {
    const ok = 'y'.repeat(32);
    await expect(bootIntake({ adminToken: ok, caseEventTokens: { 'dev-1': ok }, dashboardTokens: { H1: ok } })).resolves.toBeDefined();
  });
});
