import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readProvisionedTokens } from '../devices/provisionedTokens';
import type { RunningIntake } from '../server';
import { item } from '../testing/intakeHarness';
import { uploadBatch } from '../testing/signedRequests';
import { chain, newDeviceKey } from '../testing/signedOutcomes';
import { ADMIN, bootIntake, closeAll } from './securityHarness';

afterEach(closeAll);

const LATER = Date.now() + 600_000;
const enrol = (intake: RunningIntake, enrolmentToken: string, deviceId: string, publicKey: string) =>
  intake.app.inject({ method: 'POST', url: '/v1/devices', payload: { enrolmentToken, deviceId, publicKey } });
const events = async (intake: RunningIntake, deviceId: string) =>
  ((await intake.app.inject({ method: 'GET', url: `/v1/admin/integrity?deviceId=${deviceId}`, headers: { authorization: `Bearer ${ADMIN}` } })).json().events as Array<{ kind: string; detail: string }>);
/** Whether dev-1 signing with `key` gets an outcome in. */
const accepted = async (intake: RunningIntake, key: ReturnType<typeof newDeviceKey>, seq = 1) => {
  const response = await uploadBatch(intake, { deviceId: 'dev-1', privateKey: key.privateKey }, chain([{ ...item(4), seq }], key.privateKey).map((o) => ({ ...o })));
  return response.statusCode === 200 && response.json().results[0].status !== 'rejected';
};

// Finding: `--enrolment-token TOKEN` without a device made a token any device id could use, and
// enrolling an already enrolled device replaced its key silently: the real device got 401.
describe('device takeover by enrolment', () => {
  it('an enrolment token not bound to one device and one hall stops the intake at start', async () => {
    await expect(bootIntake({ enrolmentTokens: [{ token: 'open-token-aaaaaaaaaaaaaaaa', expiresAtMs: LATER } as never] })).rejects.toThrow(/bound to a device and a hall/);
    await expect(bootIntake({ enrolmentTokens: [{ token: 'open-token-aaaaaaaaaaaaaaaa', deviceId: 'dev-1', expiresAtMs: LATER } as never] })).rejects.toThrow(/bound to a device and a hall/);
  });

  it('a second enrolment token cannot take over an enrolled device; the attempt is an integrity event', async () => {
    const intake = await bootIntake({
      enrolmentTokens: [
        { token: 'first-token-dev-1-aaaaaaaaaa', deviceId: 'dev-1', hallCode: 'h1', expiresAtMs: LATER },
        { token: 'second-token-dev-1-bbbbbbbbb', deviceId: 'dev-1', hallCode: 'h1', expiresAtMs: LATER },
      ],
    });
    const real = newDeviceKey();
    const attacker = newDeviceKey();
    expect((await enrol(intake, 'first-token-dev-1-aaaaaaaaaa', 'dev-1', real.x)).statusCode).toBe(201);
    const takeover = await enrol(intake, 'second-token-dev-1-bbbbbbbbb', 'dev-1', attacker.x);
    expect([takeover.statusCode, takeover.json().error.code]).toEqual([409, 'already_enrolled']);
    expect(await accepted(intake, real)).toBe(true);
    expect(await accepted(intake, attacker, 2)).toBe(false);
    expect((await events(intake, 'dev-1')).map((e) => e.kind)).toContain('enrolment_refused');
  });

  it('a used token presented again with another key is refused and recorded', async () => {
    const intake = await bootIntake({ enrolmentTokens: [{ token: 'only-token-dev-1-aaaaaaaaaaa', deviceId: 'dev-1', hallCode: 'h1', expiresAtMs: LATER }] });
    expect((await enrol(intake, 'only-token-dev-1-aaaaaaaaaaa', 'dev-1', newDeviceKey().x)).statusCode).toBe(201);
    expect((await enrol(intake, 'only-token-dev-1-aaaaaaaaaaa', 'dev-1', newDeviceKey().x)).json().error.code).toBe('token_used');
    expect((await events(intake, 'dev-1')).map((e) => e.kind)).toContain('enrolment_refused');
  });
});

describe('key rotation', () => {
  it('needs a rotation token issued for that device; the rotation is an integrity event', async () => {
    const intake = await bootIntake({
      enrolmentTokens: [
        { token: 'enrol-token-dev-1-aaaaaaaaaa', deviceId: 'dev-1', hallCode: 'h1', expiresAtMs: LATER },
        { token: 'rotate-token-dev-1-bbbbbbbbb', deviceId: 'dev-1', hallCode: 'h1', purpose: 'rotate', expiresAtMs: LATER },
        { token: 'rotate-token-dev-2-ccccccccc', deviceId: 'dev-2', hallCode: 'h1', purpose: 'rotate', expiresAtMs: LATER },
      ],
    });
    const first = newDeviceKey();
    const second = newDeviceKey();
    // A rotation token does not make a first enrolment.
    expect((await enrol(intake, 'rotate-token-dev-1-bbbbbbbbb', 'dev-1', first.x)).json().error.code).toBe('not_enrolled');
    expect((await enrol(intake, 'enrol-token-dev-1-aaaaaaaaaa', 'dev-1', first.x)).statusCode).toBe(201);
    expect((await enrol(intake, 'rotate-token-dev-2-ccccccccc', 'dev-1', second.x)).json().error.code).toBe('token_for_other_device');
    expect((await enrol(intake, 'rotate-token-dev-1-bbbbbbbbb', 'dev-1', second.x)).statusCode).toBe(201);
    expect(await accepted(intake, second)).toBe(true);
    const kinds = (await events(intake, 'dev-1')).map((e) => e.kind);
    expect(kinds).toContain('key_rotated');
  });

  it('a rotation token of another hall cannot move a device into it', async () => {
    const intake = await bootIntake({
      enrolmentTokens: [
        { token: 'enrol-token-dev-1-aaaaaaaaaa', deviceId: 'dev-1', hallCode: 'h1', expiresAtMs: LATER },
        { token: 'rotate-token-dev-1-hall-2-bbb', deviceId: 'dev-1', hallCode: 'h2', purpose: 'rotate', expiresAtMs: LATER },
      ],
    });
    expect((await enrol(intake, 'enrol-token-dev-1-aaaaaaaaaa', 'dev-1', newDeviceKey().x)).statusCode).toBe(201);
    const moved = await enrol(intake, 'rotate-token-dev-1-hall-2-bbb', 'dev-1', newDeviceKey().x);
    expect([moved.statusCode, moved.json().error.code]).toEqual([409, 'wrong_hall']);
    expect((await events(intake, 'dev-1')).map((e) => e.kind)).toContain('wrong_hall');
  });
});

describe('provisioned token files', () => {
  it('carry each token\'s hall and purpose to the intake', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'tokens-')), 'tokens.json');
    const hash = 'a'.repeat(64);
    writeFileSync(
      file,
      JSON.stringify({
        hallCode: 'h1',
        generatedAt: '2026-11-23T02:00:00.000Z',
        tokens: [
          { tokenSha256: hash, deviceId: 'dev-1', hallCode: 'h1', expiresAt: '2026-12-07T02:00:00.000Z' },
          { tokenSha256: 'b'.repeat(64), deviceId: 'dev-2', hallCode: 'h1', purpose: 'rotate', expiresAt: '2026-12-07T02:00:00.000Z' },
        ],
      }),
    );
    expect(readProvisionedTokens(file)).toEqual([
      { tokenSha256: hash, deviceId: 'dev-1', hallCode: 'h1', purpose: 'enrol', expiresAtMs: Date.parse('2026-12-07T02:00:00.000Z') },
      { tokenSha256: 'b'.repeat(64), deviceId: 'dev-2', hallCode: 'h1', purpose: 'rotate', expiresAtMs: Date.parse('2026-12-07T02:00:00.000Z') },
    ]);
  });
});
