import { afterEach, describe, expect, it } from 'vitest';
import type { RunningIntake } from '../server';
import { item } from '../testing/intakeHarness';
import { uploadBatch, type TestDevice } from '../testing/signedRequests';
import { chain, newDeviceKey } from '../testing/signedOutcomes';
import { ADMIN, bootIntake, CASE_TOKEN, closeAll } from './securityHarness';

afterEach(closeAll);

const PERIOD = 'from=2026-11-01&to=2026-11-30';

/** An intake with dev-1 enrolled in hall h1 (its outcomes name h1 unless told otherwise). */
async function hallOneDevice(): Promise<{ intake: RunningIntake; device: TestDevice; key: ReturnType<typeof newDeviceKey> }> {
  const token = 'enrol-token-dev-1-aaaaaaaaaaaa';
  const intake = await bootIntake({
    enrolmentTokens: [{ token, deviceId: 'dev-1', hallCode: 'h1', expiresAtMs: Date.now() + 600_000 }],
    caseEventTokens: { 'dev-1': CASE_TOKEN },
  });
  const key = newDeviceKey();
  const enrolled = await intake.app.inject({ method: 'POST', url: '/v1/devices', payload: { enrolmentToken: token, deviceId: 'dev-1', publicKey: key.x } });
  expect(enrolled.statusCode).toBe(201);
  return { intake, device: { deviceId: 'dev-1', privateKey: key.privateKey }, key };
}

const display = async (intake: RunningIntake, hall: string) => (await intake.app.inject({ method: 'GET', url: `/v1/public/halls/${hall}/display?${PERIOD}` })).json();

// Finding: a device of hall A put a rating and a public comment into hall B's public display.
describe('a device writes into its own hall only', () => {
  it('an outcome naming another hall is refused as wrong_hall, recorded, and never reaches that hall\'s display', async () => {
    const { intake, device, key } = await hallOneDevice();
    const [own, foreign] = chain(
      [item(5, { comment: '本厅的评价', public: true }), item(1, { comment: '写进别的大厅的差评', public: true, window: { hallCode: 'h2', windowNo: 'A01', windowName: '一号窗口' } })],
      key.privateKey,
    );
    const response = await uploadBatch(intake, device, [own, foreign]);
    expect(response.json().results.map((r: { status: string; code?: string }) => r.code ?? r.status)).toEqual(['accepted', 'wrong_hall']);

    const h2 = await display(intake, 'h2');
    expect(h2.totals.total).toBe(0);
    expect(JSON.stringify(h2)).not.toContain('别的大厅');
    expect((await display(intake, 'h1')).totals.total).toBe(1);

    const report = (await intake.app.inject({ method: 'GET', url: '/v1/admin/integrity?deviceId=dev-1', headers: { authorization: `Bearer ${ADMIN}` } })).json();
    expect(report.events.map((e: { kind: string }) => e.kind)).toContain('wrong_hall');
    expect(report.flagged?.reason).toContain('wrong_hall');
  });

  it('a case event for the device naming another hall is refused as wrong_hall', async () => {
    const { intake } = await hallOneDevice();
    const event = (hallCode: string) => ({ event: 'closed', hallCode, case: { projectNo: 'P1', taskCode: 'T1', taskName: '事项', deptName: '部门' }, staff: { loginName: 'w5', name: '王五' } });
    const post = (hallCode: string) => intake.app.inject({ method: 'POST', url: '/v1/devices/dev-1/case-events', headers: { authorization: `Bearer ${CASE_TOKEN}` }, payload: event(hallCode) });
    const foreign = await post('h2');
    expect([foreign.statusCode, foreign.json().error.code]).toEqual([422, 'wrong_hall']);
    expect((await post('h1')).statusCode).toBe(202);
  });
});
