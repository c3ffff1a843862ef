import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startIntake, type RunningIntake } from '../server';
import { newDeviceKey } from '../testing/signedOutcomes';

const ADMIN = 'token-revocation-admin-token-0123456789';
const running: RunningIntake[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((i) => i.close()));
});

/** dev-1 of hall h1, provisioned three times: an enrolment, then two rotation runs, the first never used. */
async function provisioned() {
  const expiresAtMs = Date.now() + 3_600_000;
  const tokens = [
    { token: 'run-1-enrol-token-for-dev-1-000000', purpose: 'enrol' as const },
    { token: 'run-2-rotate-token-for-dev-1-00000', purpose: 'rotate' as const },
    { token: 'run-3-rotate-token-for-dev-1-00000', purpose: 'rotate' as const },
  ];
  const intake = await startIntake({
    dbFile: path.join(mkdtempSync(path.join(tmpdir(), 'token-revocation-')), 'i.sqlite'),
    port: 0,
    corsOrigins: [],
    adminToken: ADMIN,
    enrolmentTokens: [...tokens.map((t) => ({ ...t, deviceId: 'dev-1', hallCode: 'h1', expiresAtMs })), { token: 'other-device-token-for-dev-2-00000', deviceId: 'dev-2', hallCode: 'h2', expiresAtMs }],
    log: () => undefined,
  });
  running.push(intake);
  const enrol = async (enrolmentToken: string) =>
    intake.app.inject({ method: 'POST', url: '/v1/devices', payload: { enrolmentToken, deviceId: 'dev-1', publicKey: newDeviceKey().x } });
  const admin = (method: 'GET' | 'POST', url: string, payload?: object) =>
    intake.app.inject({ method, url, headers: { authorization: `Bearer ${ADMIN}` }, ...(payload ? { payload } : {}) });
  return { intake, tokens, enrol, admin };
}

// Issue 21: a never-used token from an earlier provisioning run enrolled a new key and locked the
// real tablet out; there was no way to list or revoke tokens.
describe('enrolment tokens: superseded, listed and revoked', () => {
  it('a device that rotates with a newer token revokes its older unused tokens: the earlier run can no longer take the device over', async () => {
    const { intake, tokens, enrol } = await provisioned();
    expect((await enrol(tokens[0]!.token)).statusCode).toBe(201);
    expect((await enrol(tokens[2]!.token)).statusCode).toBe(201);
    const stale = await enrol(tokens[1]!.token);
    expect(stale.statusCode).toBe(401);
    expect(stale.json()).toMatchObject({ error: { code: 'token_revoked' } });
    expect(intake.db.prepare("SELECT kind, detail FROM integrity_events WHERE device_id = 'dev-1' AND kind = 'enrolment_refused'").all()).toEqual([
      { kind: 'enrolment_refused', detail: 'a revoked rotate token was presented (superseded: a newer token of this device was used)' },
    ]);
  });

  it('lists tokens by device or hall, newest first, by a short id and never the token', async () => {
    const { tokens, enrol, admin } = await provisioned();
    await enrol(tokens[0]!.token);
    const listed = await admin('GET', '/v1/admin/enrolment-tokens?deviceId=dev-1');
    expect(listed.statusCode).toBe(200);
    const body = listed.json() as { tokens: Array<Record<string, unknown>> };
    expect(body.tokens.map((t) => [t.purpose, t.usedBy, t.revokedAt])).toEqual([
      ['rotate', null, null],
      ['rotate', null, null],
      ['enrol', 'dev-1', null],
    ]);
    for (const t of body.tokens) expect(t.id).toMatch(/^[0-9a-f]{12}$/);
    for (const t of tokens) expect(listed.body).not.toContain(t.token);
    expect(((await admin('GET', '/v1/admin/enrolment-tokens?hall=h2')).json() as { tokens: Array<{ deviceId: string }> }).tokens.map((t) => t.deviceId)).toEqual(['dev-2']);
    expect((await admin('GET', '/v1/admin/enrolment-tokens?hall=h2&deviceId=dev-1')).statusCode).toBe(400);
    expect((await admin('GET', '/v1/admin/enrolment-tokens?deviceId=dev-1&deviceId=dev-2')).statusCode).toBe(400);
  });

  it('a person revokes an unused token with who and why; it then enrols nothing', async () => {
    const { tokens, enrol, admin, intake } = await provisioned();
    await enrol(tokens[0]!.token);
    const list = (await admin('GET', '/v1/admin/enrolment-tokens?deviceId=dev-1')).json() as { tokens: Array<{ id: string; purpose: string; usedAt: number | null }> };
    // Newest first: the run-3 rotation token.
    const unused = list.tokens[0]!;
    expect(unused).toMatchObject({ purpose: 'rotate', usedAt: null });
    const used = list.tokens.find((t) => t.usedAt !== null)!;
    expect((await intake.app.inject({ method: 'POST', url: `/v1/admin/enrolment-tokens/${unused.id}/revoke`, payload: { by: 'x', reason: 'lost' } })).statusCode).toBe(401);
    expect((await admin('POST', `/v1/admin/enrolment-tokens/${unused.id}/revoke`, { by: '王工' })).statusCode).toBe(400);
    expect((await admin('POST', '/v1/admin/enrolment-tokens/not-an-id/revoke', { by: '王工', reason: 'the USB stick was lost' })).statusCode).toBe(400);
    expect((await admin('POST', `/v1/admin/enrolment-tokens/${used.id}/revoke`, { by: '王工', reason: 'the USB stick was lost' })).statusCode).toBe(404);
    const revoked = await admin('POST', `/v1/admin/enrolment-tokens/${unused.id}/revoke`, { by: '王工', reason: 'the USB stick was lost' });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ token: { id: unused.id, revokedBy: '王工: the USB stick was lost' } });
    expect((await admin('POST', `/v1/admin/enrolment-tokens/${unused.id}/revoke`, { by: '王工', reason: 'again, twice' })).statusCode).toBe(404);
    const attempt = await enrol(tokens[2]!.token);
    expect(attempt.json()).toMatchObject({ error: { code: 'token_revoked' } });
  });
});
