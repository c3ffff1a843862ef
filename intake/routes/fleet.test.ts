import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetResponse, Heartbeat } from '../../contract/heartbeat';
import type { InvitationReport } from '../../contract/invitationReport';
import { v7 as uuidv7 } from 'uuid';
import { GENESIS_HASH } from '../../contract/outcomeChain';
import { DEFAULT_FLEET_THRESHOLDS as T } from '../fleet/fleetRules';
import { startIntake, type RunningIntake } from '../server';
import { item, upload } from '../testing/intakeHarness';
import { chain, newDeviceKey } from '../testing/signedOutcomes';
import { signedPost, type TestDevice } from '../testing/signedRequests';

const ADMIN = 'fleet-admin-token-0123456789abcdefgh';
const running: RunningIntake[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((i) => i.close()));
});

/** An intake on a clock the test moves, with dev-1 … dev-n enrolled in hall h1. */
async function fleetIntake(devices = 1) {
  let clock = Date.UTC(2026, 10, 30, 2, 0, 0);
  const ids = Array.from({ length: devices }, (_, i) => `dev-${i + 1}`);
  const intake = await startIntake({
    dbFile: path.join(mkdtempSync(path.join(tmpdir(), 'fleet-')), 'i.sqlite'),
    port: 0,
    corsOrigins: [],
    adminToken: ADMIN,
    enrolmentTokens: ids.map((id) => ({ token: `fleet-token-${id}-0123456789`, deviceId: id, hallCode: 'h1', expiresAtMs: Date.now() + 3_600_000 })),
    log: () => undefined,
    now: () => clock,
    fleet: { minAppVersion: '1.0.0' },
  });
  running.push(intake);
  const keys: Record<string, TestDevice & { x: string }> = {};
  for (const id of ids) {
    const key = newDeviceKey();
    const enrolled = await intake.app.inject({ method: 'POST', url: '/v1/devices', payload: { enrolmentToken: `fleet-token-${id}-0123456789`, deviceId: id, publicKey: key.x } });
    expect(enrolled.statusCode).toBe(201);
    keys[id] = { deviceId: id, privateKey: key.privateKey, x: key.x };
  }
  const beat = (deviceId: string, over: Partial<Heartbeat> = {}, head = 0, depth = 0): Heartbeat => ({
    deviceId,
    hallCode: 'h1',
    sentAtMs: clock,
    clockOffsetMs: 0,
    appVersion: '1.0.0',
    chainHead: { seq: head, hash: head === 0 ? GENESIS_HASH : 'b'.repeat(64) },
    outbox: { depth, oldestUnsentAgeMs: depth > 0 ? 60_000 : null, deadLetters: 0 },
    storage: { usageBytes: 1_000_000, quotaBytes: 10_000_000_000 },
    ratingDevice: null,
    ...over,
  });
  const send = (deviceId: string, heartbeat: Heartbeat, opts: { nonce?: string; as?: TestDevice } = {}) =>
    signedPost(intake, opts.as ?? keys[deviceId]!, `/v1/devices/${deviceId}/heartbeats`, heartbeat, { timestamp: clock, ...(opts.nonce ? { nonce: opts.nonce } : {}) });
  const fleet = async (query = '') => {
    const response = await intake.app.inject({ method: 'GET', url: `/v1/admin/fleet${query}`, headers: { authorization: `Bearer ${ADMIN}` } });
    expect(response.statusCode).toBe(200);
    return (response.json() as FleetResponse).devices;
  };
  const flagsOf = async (deviceId: string) => (await fleet()).find((d) => d.deviceId === deviceId)?.openFlags.map((f) => f.kind) ?? [];
  return { intake, keys, beat, send, fleet, flagsOf, advance: (ms: number) => void (clock += ms), now: () => clock };
}

describe('heartbeats and the fleet view', () => {
  it('stores a signed heartbeat and shows its facts, with no flag for a healthy device', async () => {
    const f = await fleetIntake();
    const response = await f.send('dev-1', f.beat('dev-1', { ratingDevice: { online: true, lastPressAtMs: null, missedHeartbeats: 0 } }));
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ serverTimeMs: f.now() });
    expect(await f.fleet()).toEqual([
      expect.objectContaining({ deviceId: 'dev-1', hallCode: 'h1', lastHeartbeatAt: f.now(), silentForMs: 0, appVersion: '1.0.0', chainHeadSeq: 0, outboxDepth: 0, openFlags: [] }),
    ]);
  });

  it('head-regressed within one heartbeat when the newest outcomes are deleted before they are sent, and it stays open', async () => {
    const f = await fleetIntake();
    const sent = chain([item(5), item(4)], f.keys['dev-1']!.privateKey);
    await upload(f.intake, f.keys['dev-1']!, sent, undefined, f.now());
    // Seq 3 and 4 recorded and queued.
    expect((await f.send('dev-1', f.beat('dev-1', {}, 4, 2))).statusCode).toBe(202);
    expect(await f.flagsOf('dev-1')).toEqual([]);
    f.advance(60_000);
    // Someone deletes seq 3–4 and rewinds the head: the next heartbeat shows it.
    expect((await f.send('dev-1', f.beat('dev-1', {}, 2, 0))).statusCode).toBe(202);
    const [device] = await f.fleet();
    expect(device?.openFlags).toEqual([{ kind: 'head-regressed', openedAt: f.now(), detail: 'chain head went back from seq 4 to seq 2' }]);
    f.advance(60_000);
    await f.send('dev-1', f.beat('dev-1', {}, 2, 0));
    expect(await f.flagsOf('dev-1')).toEqual(['head-regressed']);
    // A person looks, and closes it with who and why; a flag that is not open cannot be closed.
    const close = (kind: string, payload: unknown) =>
      f.intake.app.inject({ method: 'POST', url: `/v1/admin/fleet/dev-1/flags/${kind}/close`, headers: { authorization: `Bearer ${ADMIN}` }, payload: payload as object });
    expect((await f.intake.app.inject({ method: 'POST', url: '/v1/admin/fleet/dev-1/flags/head-regressed/close', payload: { by: 'x', reason: 'nobody' } })).statusCode).toBe(401);
    expect((await close('head-regressed', { by: '王工' })).statusCode).toBe(400);
    expect((await close('no-such-kind', { by: '王工', reason: 'looked at it' })).statusCode).toBe(400);
    expect((await close('queue-stale', { by: '王工', reason: 'looked at it' })).statusCode).toBe(404);
    const closed = await close('head-regressed', { by: '王工', reason: 'PAD storage was cleared by the vendor; outcomes 3–4 re-entered by hand' });
    expect(closed.statusCode).toBe(200);
    expect(await f.flagsOf('dev-1')).toEqual([]);
    expect(f.intake.db.prepare("SELECT closed_by FROM fleet_flags WHERE device_id = 'dev-1' AND kind = 'head-regressed'").get()).toEqual({
      closed_by: '王工: PAD storage was cleared by the vendor; outcomes 3–4 re-entered by hand',
    });
    expect((await close('head-regressed', { by: '王工', reason: 'again, twice' })).statusCode).toBe(404);
  });

  it('head-unsent when queued outcomes vanish without the head moving, after the grace', async () => {
    const f = await fleetIntake();
    await upload(f.intake, f.keys['dev-1']!, chain([item(5)], f.keys['dev-1']!.privateKey), undefined, f.now());
    await f.send('dev-1', f.beat('dev-1', {}, 3, 0)); // seq 2–3 neither sent nor queued
    expect(await f.flagsOf('dev-1')).toEqual([]);
    f.advance(T.unsentGraceMs - 1);
    await f.send('dev-1', f.beat('dev-1', {}, 3, 0));
    expect(await f.flagsOf('dev-1')).toEqual([]);
    f.advance(1);
    await f.send('dev-1', f.beat('dev-1', {}, 3, 0));
    expect(await f.flagsOf('dev-1')).toEqual(['head-unsent']);
  });

  it('device-silent past the threshold, closed by the next heartbeat but kept on record', async () => {
    const f = await fleetIntake();
    await f.send('dev-1', f.beat('dev-1'));
    f.advance(T.silentAfterMs);
    expect(await f.flagsOf('dev-1')).toEqual([]);
    f.advance(1);
    expect(await f.flagsOf('dev-1')).toEqual(['device-silent']);
    await f.send('dev-1', f.beat('dev-1'));
    expect(await f.flagsOf('dev-1')).toEqual([]);
    const rows = f.intake.db.prepare("SELECT kind, closed_by FROM fleet_flags WHERE device_id = 'dev-1'").all();
    expect(rows).toEqual([{ kind: 'device-silent', closed_by: 'heartbeat' }]);
  });

  it('refuses a replayed heartbeat, one signed by another device key and one naming another hall, and changes nothing', async () => {
    const f = await fleetIntake(2);
    const first = f.beat('dev-1', {}, 0, 0);
    expect((await f.send('dev-1', first, { nonce: 'nonce-replayed-000001' })).statusCode).toBe(202);
    f.advance(1000);
    const regressed = f.beat('dev-1', { appVersion: '0.9.0' });
    const replay = await f.send('dev-1', regressed, { nonce: 'nonce-replayed-000001' });
    expect(replay.statusCode).toBe(401);
    const forged = await f.send('dev-1', regressed, { as: { deviceId: 'dev-1', privateKey: f.keys['dev-2']!.privateKey } });
    expect(forged.statusCode).toBe(401);
    const asOther = await f.send('dev-1', regressed, { as: f.keys['dev-2']! });
    expect(asOther.statusCode).toBe(401);
    const wrongHall = await f.send('dev-1', f.beat('dev-1', { hallCode: 'h2', appVersion: '0.9.0' }));
    expect(wrongHall.statusCode).toBe(403);
    expect(wrongHall.json()).toMatchObject({ error: { code: 'wrong_hall' } });
    const [dev1] = (await f.fleet()).filter((d) => d.deviceId === 'dev-1');
    expect(dev1).toMatchObject({ appVersion: '1.0.0', lastHeartbeatAt: f.now() - 1000, openFlags: [] });
    const events = f.intake.db.prepare("SELECT kind FROM integrity_events WHERE device_id = 'dev-1'").all();
    expect(events).toEqual([{ kind: 'wrong_hall' }]);
  });

  it('refuses a malformed heartbeat and one naming another device than its path', async () => {
    const f = await fleetIntake();
    const bad = await signedPost(f.intake, f.keys['dev-1']!, '/v1/devices/dev-1/heartbeats', { deviceId: 'dev-1' }, { timestamp: f.now() });
    expect(bad.statusCode).toBe(400);
    const other = await f.send('dev-1', f.beat('dev-9'));
    expect(other.statusCode).toBe(401);
    expect(await f.fleet()).toEqual([expect.objectContaining({ deviceId: 'dev-1', lastHeartbeatAt: null })]);
  });

  it('ignores a heartbeat sent before the one it holds', async () => {
    const f = await fleetIntake();
    const older = f.beat('dev-1', {}, 0, 0);
    f.advance(5000);
    await f.send('dev-1', f.beat('dev-1', { appVersion: '1.1.0' }));
    expect((await f.send('dev-1', older)).statusCode).toBe(202);
    expect((await f.fleet())[0]).toMatchObject({ appVersion: '1.1.0' });
  });

  it('lists a fleet worst first: a silent device, a stale queue, a box offline, an old version, a healthy one', async () => {
    const f = await fleetIntake(5);
    await f.send('dev-1', f.beat('dev-1'));
    f.advance(T.silentAfterMs + 60_000);
    await f.send('dev-2', f.beat('dev-2', { outbox: { depth: 40, oldestUnsentAgeMs: T.queueStaleMs + 1, deadLetters: 0 } }, 40, 40));
    await f.send('dev-3', f.beat('dev-3', { ratingDevice: { online: false, lastPressAtMs: null, missedHeartbeats: 3 } }));
    await f.send('dev-4', f.beat('dev-4', { appVersion: '0.9.9' }));
    await f.send('dev-5', f.beat('dev-5'));
    const devices = await f.fleet('?hall=h1');
    expect(devices.map((d) => [d.deviceId, d.openFlags.map((x) => x.kind)])).toEqual([
      ['dev-1', ['device-silent']],
      ['dev-2', ['queue-stale']],
      ['dev-3', ['rating-device-offline']],
      ['dev-4', ['version-below-minimum']],
      ['dev-5', []],
    ]);
    expect(await f.fleet('?hall=h2')).toEqual([]);
    const unauthorised = await f.intake.app.inject({ method: 'GET', url: '/v1/admin/fleet' });
    expect(unauthorised.statusCode).toBe(401);
    const repeated = await f.intake.app.inject({ method: 'GET', url: '/v1/admin/fleet?hall=h1&hall=h2', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(repeated.statusCode).toBe(400);
  });

  describe('invitation reports and missing-outcome', () => {
    const reportOf = (invitationId: string, dueAtMs: number): InvitationReport => ({
      invitationId,
      event: 'closed',
      projectNo: 'P20261130-7',
      taskCode: 'T1',
      staffLoginName: 'li4',
      windowNo: 'A01',
      free: false,
      receivedAtMs: dueAtMs - 60_000,
      dueAtMs,
      clockOffsetMs: 0,
    });

    it('stores reports once, and refuses another hall or another device', async () => {
      const f = await fleetIntake(2);
      const report = reportOf(uuidv7(), f.now());
      const post = (body: unknown, as = f.keys['dev-1']!) => signedPost(f.intake, as, '/v1/devices/dev-1/invitation-reports', body, { timestamp: f.now() });
      const first = await post({ deviceId: 'dev-1', hallCode: 'h1', reports: [report] });
      expect(first.statusCode).toBe(200);
      expect(first.json()).toEqual({ stored: 1, serverTimeMs: f.now() });
      expect((await post({ deviceId: 'dev-1', hallCode: 'h1', reports: [report] })).json()).toMatchObject({ stored: 0 });
      expect((await post({ deviceId: 'dev-1', hallCode: 'h2', reports: [reportOf(uuidv7(), f.now())] })).statusCode).toBe(403);
      expect((await post({ deviceId: 'dev-2', hallCode: 'h1', reports: [reportOf(uuidv7(), f.now())] })).statusCode).toBe(401);
      expect((await post({ deviceId: 'dev-1', hallCode: 'h1', reports: [reportOf(uuidv7(), f.now())] }, f.keys['dev-2']!)).statusCode).toBe(401);
      expect((await post({ deviceId: 'dev-1', hallCode: 'h1', reports: [] })).statusCode).toBe(400);
      expect(f.intake.db.prepare('SELECT COUNT(*) AS n FROM invitation_reports').get()).toEqual({ n: 1 });
    });

    it('missing-outcome once an invitation is past due and the device outbox is empty; closed when its outcome arrives', async () => {
      const f = await fleetIntake();
      const answered = chain([item(5)], f.keys['dev-1']!.privateKey)[0]!;
      const lost = uuidv7();
      const reports = [reportOf(answered.invitationId, f.now() + 60_000), reportOf(lost, f.now() + 60_000)];
      await signedPost(f.intake, f.keys['dev-1']!, '/v1/devices/dev-1/invitation-reports', { deviceId: 'dev-1', hallCode: 'h1', reports }, { timestamp: f.now() });
      await upload(f.intake, f.keys['dev-1']!, [answered], undefined, f.now());
      // Before the due time, nothing is missing.
      await f.send('dev-1', f.beat('dev-1', {}, 1, 0));
      expect(await f.flagsOf('dev-1')).toEqual([]);
      f.advance(120_000);
      // Past due, but outcomes still queued: not yet conclusive.
      await f.send('dev-1', f.beat('dev-1', {}, 2, 1));
      expect(await f.flagsOf('dev-1')).toEqual([]);
      f.advance(60_000);
      await f.send('dev-1', f.beat('dev-1', {}, 1, 0));
      // The queued outcome was deleted and the head rewound: both show.
      const [device] = await f.fleet();
      expect(device?.openFlags).toEqual([
        { kind: 'head-regressed', openedAt: f.now(), detail: 'chain head went back from seq 2 to seq 1' },
        { kind: 'missing-outcome', openedAt: f.now(), detail: `1 invitation(s) without an outcome after their due time: P20261130-7 (${lost})` },
      ]);
      // Its outcome turns up after all (a copy synced from elsewhere): missing-outcome closes and
      // stays on record; the regressed head still waits for a person.
      const late = chain([item(3, { invitationId: lost })], f.keys['dev-1']!.privateKey, answered);
      await upload(f.intake, f.keys['dev-1']!, late, undefined, f.now());
      expect(await f.flagsOf('dev-1')).toEqual(['head-regressed']);
      expect(f.intake.db.prepare("SELECT kind, closed_by FROM fleet_flags WHERE device_id = 'dev-1' AND kind = 'missing-outcome'").all()).toEqual([{ kind: 'missing-outcome', closed_by: 'outcomes arrived' }]);
    });

    it('missing-outcome for an invitation that never got an outcome, with the chain intact', async () => {
      const f = await fleetIntake();
      const never = uuidv7();
      await signedPost(f.intake, f.keys['dev-1']!, '/v1/devices/dev-1/invitation-reports', { deviceId: 'dev-1', hallCode: 'h1', reports: [reportOf(never, f.now() + 1000)] }, { timestamp: f.now() });
      f.advance(2000);
      await f.send('dev-1', f.beat('dev-1', {}, 0, 0));
      expect(await f.flagsOf('dev-1')).toEqual(['missing-outcome']);
    });
  });
});
