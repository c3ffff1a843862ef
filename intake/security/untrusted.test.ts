import { afterEach, describe, expect, it } from 'vitest';
import type { RunningIntake } from '../server';
import { adminGet, enrolledIntake, HARNESS_ADMIN, item, upload } from '../testing/intakeHarness';
import { chain } from '../testing/signedOutcomes';

let running: RunningIntake[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.close()));
  running = [];
});

const DAY = 'from=2026-11-23&to=2026-11-23';
const display = async (intake: RunningIntake) => (await intake.app.inject({ method: 'GET', url: `/v1/public/halls/h1/display?${DAY}` })).json();
const exported = async (intake: RunningIntake) => (await adminGet(intake, '/v1/export?profile=anhui')).records.map((r: { projectNo: string }) => r.projectNo).sort();
const followups = async (intake: RunningIntake) => (await adminGet(intake, '/v1/admin/followups?status=all')).followups.map((f: { outcomeId: string }) => f.outcomeId);
const hotBad = async (intake: RunningIntake) => (await adminGet(intake, `/v1/dashboard/hot-words?hall=h1&${DAY}`)).bad.map((w: { word: string }) => w.word);
const clear = (intake: RunningIntake, body: unknown, token = HARNESS_ADMIN) =>
  intake.app.inject({ method: 'POST', url: '/v1/admin/devices/dev-1/trust', headers: { authorization: `Bearer ${token}` }, payload: body as object });

/** dev-1 sends a and b, then a second seq 2 (a fork: a 差评 with a public comment) and seq 3 after it. */
async function forkedDevice() {
  const { intake, key } = await enrolledIntake(running);
  const [a, b] = chain([item(5, { case: { ...item(5).case, projectNo: 'P-A' } }), item(4, { case: { ...item(4).case, projectNo: 'P-B' } })], key.privateKey);
  await upload(intake, key, [a, b]);
  const [forked, after] = chain(
    [item(1, { comment: '伪造差评排队', public: true, case: { ...item(1).case, projectNo: 'P-FORK' } }), item(2, { comment: '之后差评态度', public: true, case: { ...item(2).case, projectNo: 'P-AFTER' } })],
    key.privateKey,
    a,
  );
  expect((await upload(intake, key, [forked, after])).results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
  return { intake, key, forked: forked!, after: after! };
}

// Finding: after a fork the device was flagged and its outcomes stored trusted = 0, yet the
// dashboard counted them, the province export listed the case twice and follow-ups opened.
describe('untrusted outcomes', () => {
  it('are stored and shown in the integrity report, but kept out of counts, export, hot words and follow-ups', async () => {
    const { intake, forked, after } = await forkedDevice();
    expect(intake.db.prepare('SELECT COUNT(*) AS n FROM outcomes WHERE trusted = 0').get()).toEqual({ n: 2 });
    expect((await display(intake)).totals.total).toBe(2);
    expect(await exported(intake)).toEqual(['P-A', 'P-B']);
    expect(await followups(intake)).toEqual([]);
    expect(await hotBad(intake)).toEqual([]);
    const report = await adminGet(intake, '/v1/admin/integrity?deviceId=dev-1');
    expect(report.flagged.reason).toContain('fork');
    expect(report.untrusted).toMatchObject({ count: 2, outcomes: [{ id: forked.id, seq: 2 }, { id: after.id, seq: 3 }] });
  });

  it('count once a person clears them, by name and reason; the clearing is recorded, and what was not cleared stays out', async () => {
    const { intake, key, forked, after } = await forkedDevice();
    expect((await clear(intake, { by: '王审核', reason: 'checked the device' }, 'not-the-admin-token-0123456789abcdef')).statusCode).toBe(401);
    expect((await clear(intake, { by: '王审核' })).statusCode).toBe(400);
    expect((await clear(intake, { by: '王审核', reason: '核实设备', outcomeIds: ['01900000-0000-7000-8000-000000000000'] })).statusCode).toBe(409);

    const cleared = await clear(intake, { by: '王审核', reason: '核实：分叉为重复上传，之后的记录可信', outcomeIds: [after.id] });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json()).toMatchObject({ readmitted: [{ id: after.id, merge: 'rating' }], stillUntrusted: 1 });
    expect((await display(intake)).totals.total).toBe(3);
    expect(await exported(intake)).toEqual(['P-A', 'P-AFTER', 'P-B']);
    expect(await followups(intake)).toEqual([after.id]);
    expect(await hotBad(intake)).toContain('态度');
    expect(await hotBad(intake)).not.toContain('伪造');
    const report = await adminGet(intake, '/v1/admin/integrity?deviceId=dev-1');
    expect(report.flagged).toBeNull();
    expect(report.untrusted).toMatchObject({ count: 1, outcomes: [{ id: forked.id }] });
    const audit = report.events.find((e: { kind: string }) => e.kind === 'trust_restored');
    expect(audit.detail).toContain('王审核');
    expect(audit.detail).toContain('核实：分叉为重复上传');

    // The device is trusted again: what it sends next counts.
    const [next] = chain([item(5, { case: { ...item(5).case, projectNo: 'P-NEXT' } })], key.privateKey, after);
    await upload(intake, key, [next]);
    expect((await display(intake)).totals.total).toBe(4);
  });
});
