import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PairingCodeResponseSchema, PairingStatusResponseSchema } from '../../contract/staffSession';
import { hashPin } from '../../shared-node/adminPin';
import { startIntake, type RunningIntake } from '../server';
import { newDeviceKey } from '../testing/signedOutcomes';
import { signedPost, signedRequest } from '../testing/signedRequests';

const PASSWORD = 'correct horse';
const ADMIN = 'pairing-test-admin-token-0123456789';
const staffDirectory = [{ loginName: 'zhangsan', name: '张三', staffNo: 'A0123', passwordHash: hashPin(PASSWORD) }];

let intake: RunningIntake;
let clock = Date.parse('2026-11-23T01:00:00Z');
const devices = { 'dev-1': newDeviceKey(), 'dev-2': newDeviceKey() };

beforeEach(async () => {
  intake = await startIntake({
    dbFile: path.join(mkdtempSync(path.join(tmpdir(), 'pairing-')), 'i.sqlite'),
    port: 0,
    corsOrigins: [],
    enrolmentTokens: Object.keys(devices).map((deviceId) => ({ token: `enrol-${deviceId}-aaaaaaaaaaaa`, deviceId, hallCode: 'h1', expiresAtMs: clock + 600_000 })),
    staffDirectory,
    adminToken: ADMIN,
    publicUrl: 'https://intake.example.gov.cn',
    now: () => clock,
    log: () => undefined,
  });
  for (const [deviceId, key] of Object.entries(devices)) {
    const enrolled = await intake.app.inject({ method: 'POST', url: '/v1/devices', payload: { enrolmentToken: `enrol-${deviceId}-aaaaaaaaaaaa`, deviceId, publicKey: key.x } });
    expect(enrolled.statusCode).toBe(201);
  }
});
afterEach(() => intake.close());

type DeviceId = keyof typeof devices;

const requestCode = (deviceId: DeviceId, signer: DeviceId = deviceId) =>
  signedPost(intake, { deviceId: signer, privateKey: devices[signer].privateKey }, `/v1/devices/${deviceId}/pairing-codes`, '{}', { timestamp: clock });

async function status(deviceId: DeviceId, code: string) {
  const response = await signedRequest(intake, { deviceId, privateKey: devices[deviceId].privateKey }, 'GET', `/v1/devices/${deviceId}/pairing-codes/${code}`, undefined, { timestamp: clock });
  return PairingStatusResponseSchema.parse(response.json());
}

const confirm = (code: string, password = PASSWORD, loginName = 'zhangsan') =>
  intake.app.inject({ method: 'POST', url: '/v1/pairings', payload: { code, loginName, password } });

describe('staff pairing at the intake', () => {
  it('a device gets a short code; staff confirm it with their login; the device learns who paired', async () => {
    const issued = PairingCodeResponseSchema.parse((await requestCode('dev-1')).json());
    expect(issued.code).toMatch(/^\d{6}$/);
    expect(issued.confirmUrl).toBe(`https://intake.example.gov.cn/pair?code=${issued.code}`);
    expect((await status('dev-1', issued.code)).status).toBe('waiting');

    clock += 30_000;
    const confirmed = await confirm(issued.code);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({ deviceId: 'dev-1', staff: { loginName: 'zhangsan', name: '张三', staffNo: 'A0123' } });
    expect(confirmed.body).not.toContain('passwordHash');
    expect(await status('dev-1', issued.code)).toEqual({ status: 'confirmed', staff: { loginName: 'zhangsan', name: '张三', staffNo: 'A0123' }, pairedAtMs: clock, serverTimeMs: clock });

    const again = await confirm(issued.code);
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'code_used']);

    const history = await intake.app.inject({ method: 'GET', url: '/v1/admin/pairings?deviceId=dev-1', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(history.json()).toEqual({ pairings: [{ staff: { loginName: 'zhangsan', name: '张三', staffNo: 'A0123' }, pairedAtMs: clock }], next: null });
    expect((await intake.app.inject({ method: 'GET', url: '/v1/admin/pairings?deviceId=dev-1' })).statusCode).toBe(401);
  });

  it('refuses unsigned requests, another device\'s signature, wrong logins (locking after repeats) and stale codes', async () => {
    expect((await intake.app.inject({ method: 'POST', url: '/v1/devices/dev-1/pairing-codes', payload: {} })).statusCode).toBe(401);
    expect((await requestCode('dev-1', 'dev-2')).json().error.code).toBe('wrong_device');

    const first = PairingCodeResponseSchema.parse((await requestCode('dev-1')).json());
    const second = PairingCodeResponseSchema.parse((await requestCode('dev-1')).json());
    expect((await status('dev-1', first.code)).status).toBe('replaced');
    expect((await confirm(first.code)).statusCode).toBe(first.code === second.code ? 200 : 410);

    const third = PairingCodeResponseSchema.parse((await requestCode('dev-2')).json());
    expect((await confirm(third.code, 'wrong', 'nobody')).json().error.code).toBe('wrong_login');
    // The replaced code above was a failure of this login too (codes cannot be walked): two wrong
    // passwords make three failures, which lock the login from this address: now even the right one waits.
    for (let i = 0; i < 2; i++) expect((await confirm(third.code, 'wrong')).statusCode).toBe(401);
    const stillLocked = await confirm(third.code);
    expect([stillLocked.statusCode, stillLocked.json().error.code]).toEqual([429, 'login_locked']);
    expect(Number(stillLocked.headers['retry-after'])).toBeGreaterThan(0);

    // Three wrong passwords were tried against the code: it is burned, and the device asks for another.
    expect((await status('dev-2', third.code)).status).toBe('replaced');

    const fourth = PairingCodeResponseSchema.parse((await requestCode('dev-2')).json());
    clock += 6 * 60_000;
    expect((await status('dev-2', fourth.code)).status).toBe('expired');
    const late = await confirm(fourth.code);
    expect([late.statusCode, late.json().error.code]).toEqual([410, 'code_expired']);
    // That was the login's fourth failure from here: it waits a minute before it is heard again.
    expect((await confirm('000000')).statusCode).toBe(429);
    clock += 61_000;
    expect((await confirm('000000')).statusCode).toBe(404);
    expect((await confirm('12')).statusCode).toBe(400);
  });
});
