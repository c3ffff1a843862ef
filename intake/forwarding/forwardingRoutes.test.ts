import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningIntake } from '../server';
import { chain } from '../testing/signedOutcomes';
import { adminGet, enrolledIntake, HARNESS_ADMIN, item, upload } from '../testing/intakeHarness';
import { DETAILS_SETTLE_MS } from './enqueue';
import { startFujianMock, type FujianMock } from '../../scripts/fujianMock';
import { loadSecrets } from './secrets';

const intakes: RunningIntake[] = [];
const mocks: FujianMock[] = [];
const saved = { ...process.env };
afterEach(async () => {
  for (const intake of intakes.splice(0)) await intake.close();
  for (const mock of mocks.splice(0)) await mock.close();
  for (const key of Object.keys(process.env)) if (key.startsWith('FORWARD_') && !(key in saved)) delete process.env[key];
});

describe('forwarding through the intake', () => {
  it('sends a stored rating to the province, shows its ack id, reports the day, lists a refusal and requeues it', async () => {
    let clock = Date.parse('2026-11-23T02:00:00Z');
    const now = () => clock;
    const mock = await startFujianMock({ appKey: 'ak', appSecret: 'route-secret', now });
    mocks.push(mock);
    const dir = mkdtempSync(path.join(tmpdir(), 'secrets-'));
    const file = path.join(dir, 'forward-secrets.json');
    writeFileSync(file, JSON.stringify({ fujian: { appKey: 'ak', appSecret: 'route-secret' } }));
    chmodSync(file, 0o600);
    Object.assign(process.env, { FORWARD_DESTINATIONS: 'fujian', FORWARD_FUJIAN_URL: mock.url, FORWARD_FUJIAN_HALLS: 'h1', FORWARD_SECRETS_FILE: file });
    const { intake, key } = await enrolledIntake(intakes, now);
    const good = item(5, { ratedAt: '2026-11-23T10:00:00.000+08:00', tags: ['510'] });
    const noReason = item(1, { ratedAt: '2026-11-23T10:00:00.000+08:00', tags: [] });
    const answer = await upload(intake, key, chain([good, noReason], key.privateKey), undefined, clock);
    expect(answer.results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    const report = async () => adminGet(intake, '/v1/admin/forwarding/report?from=2026-11-23&to=2026-11-23');
    expect(await report()).toEqual({ zone: '+08:00', from: '2026-11-23', to: '2026-11-23', rows: [{ day: '2026-11-23', destination: 'fujian', stored: 2, sent: 0, acknowledged: 0, refused: 0, pending: 2 }] });

    // Past the details window the worker sends both; the province takes one and refuses the other.
    clock += DETAILS_SETTLE_MS;
    await expect.poll(async () => (await report()).rows[0].pending, { timeout: 15_000, interval: 100 }).toBe(0);
    expect((await report()).rows[0]).toMatchObject({ stored: 2, sent: 2, acknowledged: 1, refused: 1 });
    expect(mock.records).toHaveLength(1);
    // The day's reconciliation list: each record with the province's ack id, or its reason.
    const day = await adminGet(intake, '/v1/admin/forwarding/records?day=2026-11-23');
    expect(day.records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ outcomeId: good.id, projectNo: good.case.projectNo, state: 'acknowledged', ackId: mock.records[0]!.unid }),
        expect.objectContaining({ outcomeId: noReason.id, state: 'refused', ackId: null, reason: '400 差评须填写原因' }),
      ]),
    );
    expect((await adminGet(intake, '/v1/admin/forwarding/records?day=2026-11-22')).records).toEqual([]);
    expect((await intake.app.inject({ method: 'GET', url: '/v1/admin/forwarding/records', headers: { authorization: `Bearer ${HARNESS_ADMIN}` } })).statusCode).toBe(400);
    const refused = await adminGet(intake, '/v1/admin/forwarding/refused');
    expect(refused.records).toEqual([expect.objectContaining({ outcomeId: noReason.id, destination: 'fujian', state: 'refused', reason: '400 差评须填写原因', ackId: null })]);

    const requeue = (outcomeId: string, token = HARNESS_ADMIN) =>
      intake.app.inject({ method: 'POST', url: `/v1/admin/forwarding/refused/${outcomeId}/fujian/requeue`, headers: { authorization: `Bearer ${token}` } });
    expect((await requeue(noReason.id, 'wrong-token')).statusCode).toBe(401);
    expect((await requeue(good.id)).statusCode).toBe(409);
    expect((await requeue('019a0000-0000-7000-8000-00000000dead')).statusCode).toBe(404);
    const requeued = await requeue(noReason.id);
    expect(requeued.json().record).toMatchObject({ state: 'pending', reason: '400 差评须填写原因' });
    // Sent again and refused again with the same reason: never dropped, never marked sent.
    await expect.poll(async () => (await adminGet(intake, '/v1/admin/forwarding/refused')).records[0]?.attempts, { timeout: 15_000, interval: 100 }).toBe(2);
    expect(mock.records).toHaveLength(1);
    // 补报 for the day: every rating there is already queued, so nothing is added; the body is checked.
    const late = (body: object, token = HARNESS_ADMIN) => intake.app.inject({ method: 'POST', url: '/v1/admin/forwarding/late-upload', headers: { authorization: `Bearer ${token}` }, payload: body });
    expect((await late({ destination: 'fujian', from: '2026-11-23', to: '2026-11-23' })).json()).toEqual({ destination: 'fujian', from: '2026-11-23', to: '2026-11-23', queued: 0 });
    expect((await late({ destination: 'fujian', from: '2026-11-24', to: '2026-11-23' })).statusCode).toBe(400);
    expect((await late({ destination: 'hubei', from: '2026-11-23', to: '2026-11-23' })).statusCode).toBe(404);
    expect((await late({ destination: 'fujian', from: '2026-11-23', to: '2026-11-23' }, 'wrong-token')).statusCode).toBe(401);
    expect((await intake.app.inject({ method: 'GET', url: '/v1/admin/forwarding/report' })).statusCode).toBe(401);
    expect((await intake.app.inject({ method: 'GET', url: '/v1/admin/forwarding/report?from=2026-11-24&to=2026-11-23', headers: { authorization: `Bearer ${HARNESS_ADMIN}` } })).statusCode).toBe(400);
  }, 60_000);

  it('takes secrets from the environment or an owner-only file, and names a missing one without any value', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secrets-'));
    const file = path.join(dir, 's.json');
    writeFileSync(file, JSON.stringify({ fujian: { appKey: 'file-key', appSecret: 'file-secret' } }));
    chmodSync(file, 0o644);
    expect(() => loadSecrets('fujian', ['appKey'], { FORWARD_SECRETS_FILE: file })).toThrow(/readable by others/);
    chmodSync(file, 0o600);
    expect(loadSecrets('fujian', ['appKey', 'appSecret'], { FORWARD_SECRETS_FILE: file, FORWARD_FUJIAN_APP_SECRET: 'env-secret' })).toEqual({ appKey: 'file-key', appSecret: 'env-secret' });
    let message = '';
    try {
      loadSecrets('shandong', ['appKey'], { FORWARD_SECRETS_FILE: file });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('no appKey for shandong: set FORWARD_SHANDONG_APP_KEY or put it in FORWARD_SECRETS_FILE');
    expect(message).not.toContain('file-');
  });
});
