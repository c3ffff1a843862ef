import { afterEach, describe, expect, it } from 'vitest';
import { keyIdOf } from '../../contract/keyId';
import type { RunningIntake } from '../server';
import { adminGet, enrolledIntake, HARNESS_ADMIN, item, upload } from '../testing/intakeHarness';
import { chain } from '../testing/signedOutcomes';

let running: RunningIntake[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.close()));
  running = [];
});

const importFile = (intake: RunningIntake, deviceId: string, body: unknown, token: string | null = HARNESS_ADMIN) =>
  intake.app.inject({ method: 'POST', url: `/v1/admin/devices/${deviceId}/import`, headers: token ? { authorization: `Bearer ${token}` } : {}, payload: body as object });

/** dev-1 synced seq 1–2; seq 3–4 were exported by a tablet reset offline (src/setup/deviceReset.ts). */
async function resetOffline() {
  const { intake, key } = await enrolledIntake(running);
  const keyId = await keyIdOf(key.x);
  const outcomes = chain([item(5, { keyId }), item(4, { keyId }), item(1, { keyId }), item(2, { keyId })], key.privateKey);
  await upload(intake, key, outcomes.slice(0, 2));
  return { intake, exported: outcomes.slice(2) };
}

describe('importing what a tablet reset offline exported', () => {
  it('stores the exported ratings as their upload would have, records who and why, and a second import holds nothing new', async () => {
    const { intake, exported } = await resetOffline();
    const body = { by: '王工', reason: '窗口 A01 平板断网重置，导出文件导入', batch: { deviceId: 'dev-1', outcomes: exported } };
    const answer = await importFile(intake, 'dev-1', body);
    expect(answer.statusCode).toBe(200);
    expect(answer.json().results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'accepted']);
    const again = await importFile(intake, 'dev-1', body);
    expect(again.json().results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'duplicate']);
    const report = await adminGet(intake, '/v1/admin/integrity?deviceId=dev-1');
    expect(report).toMatchObject({ flagged: null, stored: 4, maxSeq: 4, gaps: [] });
    expect(report.events.map((e: { kind: string; detail: string }) => [e.kind, e.detail])).toEqual([
      ['outcomes_imported', 'by 王工: 窗口 A01 平板断网重置，导出文件导入 (2 accepted, 0 already held, 0 rejected)'],
      ['outcomes_imported', 'by 王工: 窗口 A01 平板断网重置，导出文件导入 (0 accepted, 2 already held, 0 rejected)'],
    ]);
    // The stored re-check holds all four to the device key.
    expect((await adminGet(intake, '/v1/admin/integrity/recheck?deviceId=dev-1')).verified).toBe(4);
  });

  it('records the import in the transaction that stores it: when the record cannot be written, nothing of the file is stored', async () => {
    const { intake, exported } = await resetOffline();
    // A disk that refuses just this one write, as a crash between the two would have lost it.
    intake.db!.exec("CREATE TRIGGER refuse_import_record BEFORE INSERT ON integrity_events WHEN NEW.kind = 'outcomes_imported' BEGIN SELECT RAISE(ABORT, 'refused'); END;");
    const answer = await importFile(intake, 'dev-1', { by: '王工', reason: '导入导出文件', batch: { deviceId: 'dev-1', outcomes: exported } });
    expect(answer.statusCode).toBe(500);
    intake.db!.exec('DROP TRIGGER refuse_import_record');
    const report = await adminGet(intake, '/v1/admin/integrity?deviceId=dev-1');
    expect(report).toMatchObject({ stored: 2, maxSeq: 2 });
    expect(report.events).toEqual([]);
  });

  it('refuses an altered rating in the file and takes the rest', async () => {
    const { intake, exported } = await resetOffline();
    const altered = { ...exported[0]!, level: 5, tags: [] };
    const answer = await importFile(intake, 'dev-1', { by: '王工', reason: '导入导出文件', batch: { deviceId: 'dev-1', outcomes: [altered, exported[1]] } });
    expect(answer.json().results.map((r: { status: string; code?: string }) => r.code ?? r.status)).toEqual(['tampered', 'accepted']);
  });

  it('refuses without the admin token, another device’s file, an unknown device, and a missing reason, storing nothing', async () => {
    const { intake, exported } = await resetOffline();
    const batch = { deviceId: 'dev-1', outcomes: exported };
    expect((await importFile(intake, 'dev-1', { by: 'x', reason: 'reason', batch }, null)).statusCode).toBe(401);
    expect((await importFile(intake, 'dev-2', { by: 'x', reason: 'reason', batch })).json()).toMatchObject({ error: { code: 'wrong_device' } });
    expect((await importFile(intake, 'dev-2', { by: 'x', reason: 'reason', batch: { ...batch, deviceId: 'dev-2' } })).statusCode).toBe(404);
    expect((await importFile(intake, 'dev-1', { by: 'x', reason: '', batch })).statusCode).toBe(400);
    expect((await adminGet(intake, '/v1/admin/integrity?deviceId=dev-1')).stored).toBe(2);
  });
});
