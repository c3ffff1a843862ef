import { afterEach, describe, expect, it } from 'vitest';
import type { Outcome } from '../../contract/outcome';
import type { RunningIntake } from '../server';
import { adminGet, enrolledIntake, item, upload } from '../testing/intakeHarness';
import { chain } from '../testing/signedOutcomes';

let running: RunningIntake[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.close()));
  running = [];
});

const DAY = '2026-11-23';
const hallTotals = async (intake: RunningIntake) => (await adminGet(intake, `/v1/dashboard/aggregates?hall=h1&from=${DAY}&to=${DAY}&by=hall`)).rows[0] ?? null;
const exported = async (intake: RunningIntake) => adminGet(intake, '/v1/export?profile=anhui');
const events = async (intake: RunningIntake) => ((await adminGet(intake, '/v1/admin/integrity?deviceId=dev-1')).events as Array<{ kind: string; outcomeId: string }>).map((e) => [e.kind, e.outcomeId]);
const followups = async (intake: RunningIntake) => (await adminGet(intake, '/v1/admin/followups?status=all')).followups as Array<{ outcomeId: string; class: string; tags: string[]; comment: string | null; callbackRequested: boolean }>;
const hotWords = async (intake: RunningIntake) => adminGet(intake, `/v1/dashboard/hot-words?hall=h1&from=${DAY}&to=${DAY}`);

/** A press of `level` and the records that follow it, chained in order on dev-1. */
function pressThen(level: 1 | 2, follow: Array<{ kind: 'details' | 'confirm' | 'withdrawal'; over?: Partial<Outcome> }>, previous?: Outcome): [Outcome, ...Outcome[]] {
  const press = item(level, { tags: [] });
  const [first] = chain([press], KEY.privateKey, previous);
  const rest = chain(
    follow.map(({ kind, over }) => ({ ...item(level, { tags: [] }), invitationId: press.invitationId, case: press.case, amends: { outcomeId: first!.id, kind }, ...over })),
    KEY.privateKey,
    first,
  );
  return [first!, ...rest];
}
let KEY: Awaited<ReturnType<typeof enrolledIntake>>['key'];

describe('the intake merges a press and what follows it into one rating', () => {
  it('press + details: one 差评 with the details, everywhere it is read', async () => {
    const { intake, key } = await enrolledIntake(running);
    KEY = key;
    const [press, details] = pressThen(2, [{ kind: 'details', over: { tags: ['213', '214'], comment: '窗口人员业务不熟练，排队太久', public: true, callback: { requested: true } } }]);
    // The press alone first (the details screen is still up), then the details in a later batch.
    expect((await upload(intake, key, [press])).results.map((r) => r.status)).toEqual(['accepted']);
    expect((await exported(intake)).records).toMatchObject([{ satisfaction: '2', evalDetail: '' }]);
    expect((await exported(intake)).warnings.map((w: { message: string }) => w.message)).toContain('a 差评 without a reason code or a written comment: some provinces refuse it');
    expect(await followups(intake)).toMatchObject([{ outcomeId: press.id, class: '5wd', tags: [], callbackRequested: false }]);

    expect((await upload(intake, key, [details])).results.map((r) => r.status)).toEqual(['accepted']);
    const exportNow = await exported(intake);
    expect(exportNow.records).toEqual([expect.objectContaining({ satisfaction: '2', evalDetail: '213,214', writingEvaluation: '窗口人员业务不熟练，排队太久', publicFlag: '1' })]);
    expect(exportNow.warnings).toEqual([]);
    expect(await hallTotals(intake)).toMatchObject({ total: 1, bad: 1, levels: [0, 1, 0, 0, 0], followups: { opened: 1 } });
    // A callback request makes the follow-up immediate; it lists the details.
    expect(await followups(intake)).toMatchObject([{ outcomeId: press.id, class: 'immediate', tags: ['213', '214'], comment: '窗口人员业务不熟练，排队太久', callbackRequested: true }]);
    expect((await hotWords(intake)).bad.map((w: { word: string }) => w.word)).toEqual(expect.arrayContaining(['排队']));
    expect(await events(intake)).toEqual([]);
  });

  it('press + withdrawal + a new press: only the new rating counts; the withdrawn press is kept for audits', async () => {
    const { intake, key } = await enrolledIntake(running);
    KEY = key;
    const [press, withdrawal] = pressThen(1, [{ kind: 'withdrawal' }]);
    const [again] = chain([{ ...item(4), invitationId: press.invitationId, case: press.case }], key.privateKey, withdrawal);
    expect((await upload(intake, key, [press])).results.map((r) => r.status)).toEqual(['accepted']);
    expect(await hallTotals(intake)).toMatchObject({ total: 1, bad: 1, followups: { opened: 1 } });
    expect((await upload(intake, key, [withdrawal, again])).results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    expect(await hallTotals(intake)).toMatchObject({ total: 1, good: 1, bad: 0, levels: [0, 0, 0, 1, 0], followups: { opened: 0, closed: 0 } });
    expect((await exported(intake)).records).toEqual([expect.objectContaining({ satisfaction: '4' })]);
    expect(await followups(intake)).toEqual([]);
    // Audits see the withdrawn press and what withdrew it.
    expect((await adminGet(intake, '/v1/admin/outcomes?deviceId=dev-1')).outcomes).toEqual([
      { id: press.id, seq: 1, merge: 'withdrawn', amends: null },
      { id: withdrawal!.id, seq: 2, merge: 'amendment', amends: { outcomeId: press.id, kind: 'withdrawal' } },
      { id: again!.id, seq: 3, merge: 'rating', amends: null },
    ]);
    expect(await events(intake)).toEqual([]);
  });

  it('a withdrawal in the same batch as its press leaves no count behind', async () => {
    const { intake, key } = await enrolledIntake(running);
    KEY = key;
    expect((await upload(intake, key, pressThen(1, [{ kind: 'confirm' }, { kind: 'withdrawal' }]))).results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(await hallTotals(intake)).toBeNull();
    expect((await exported(intake)).records).toEqual([]);
    expect(await followups(intake)).toEqual([]);
  });

  it('details without their press, and a second press without a withdrawal, are integrity findings and never merged', async () => {
    const { intake, key } = await enrolledIntake(running);
    KEY = key;
    const [press, details] = pressThen(1, [{ kind: 'details', over: { tags: ['113'], comment: '多头跑' } }]);
    const [second] = chain([{ ...item(5), invitationId: press.invitationId, case: press.case }], key.privateKey, details);
    // The press never arrives (deleted on the device): its details are an orphan; the gap shows at seq 1.
    expect((await upload(intake, key, [details, second])).results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    expect(await events(intake)).toEqual(expect.arrayContaining([['orphan_amendment', details!.id]]));
    expect((await exported(intake)).records).toEqual([expect.objectContaining({ satisfaction: '5' })]);
    // Now the press arrives late: it is a second ending of the invitation, in force already by the 5.
    expect((await upload(intake, key, [press])).results.map((r) => r.status)).toEqual(['accepted']);
    expect(await events(intake)).toEqual(expect.arrayContaining([['second_rating', press.id], ['late_arrival', press.id]]));
    expect(await hallTotals(intake)).toMatchObject({ total: 1, good: 1, bad: 0 });
    expect((await exported(intake)).records).toHaveLength(1);
  });
  it('an expired invitation is an ending: counted as not rated, exported without a level, never as a rating', async () => {
    const { intake, key } = await enrolledIntake(running);
    const [expired] = chain([{ ...item(5), outcome: 'expired', level: undefined, tags: [], input: { method: 'none', inviteToPressMs: null } }], key.privateKey);
    expect((await upload(intake, key, [expired])).results.map((r) => r.status)).toEqual(['accepted']);
    expect(await hallTotals(intake)).toMatchObject({ total: 1, rated: 0, unrated: 1, unratedShare: 1 });
    const [record] = (await exported(intake)).records;
    expect(record).toMatchObject({ evaluateState: 'expired', pf: '4' });
    expect(record).not.toHaveProperty('satisfaction');
  });
});
