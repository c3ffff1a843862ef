import { describe, expect, it } from 'vitest';
import type { RunningIntake } from '../server';
import { adminGet, adminStep as step, closedAfterEach, enrolledIntake, HARNESS_DISPATCHER, item, TICKET_REVIEWER as reviewer, upload } from '../testing/intakeHarness';
import { chain } from '../testing/signedOutcomes';

const running = closedAfterEach<RunningIntake>();

let clock = Date.parse('2026-11-23T10:00:00+08:00');
const now = () => clock;

describe('ticket figures on the dashboard and the public display', () => {
  it('excludes a 差评 upheld as 误评 from the good rate (kept in the total and its level), and counts rectification, revisit and appeals', async () => {
    clock = Date.parse('2026-11-23T10:00:00+08:00');
    const { intake, key } = await enrolledIntake(running, now);
    const [mistaken, rectified, late, good] = chain([item(1), item(2, { comment: '请回电13812345678', public: true }), item(2, { public: false }), item(5)], key.privateKey);
    await upload(intake, key, [mistaken!, rectified!, late!, good!], undefined, clock);

    await step(intake, mistaken!.id, { type: 'contact', reached: true, note: '已联系' });
    await step(intake, mistaken!.id, { type: 'determine', finding: 'mistaken', reason: '群众误触' });
    await step(intake, mistaken!.id, { type: 'appeal', reasons: '群众确认误操作', evidence: [] });
    await step(intake, mistaken!.id, { type: 'decide_appeal', upheld: true, reasons: '录像显示误触' }, reviewer);

    for (const id of [rectified!.id, late!.id]) {
      await step(intake, id, { type: 'contact', reached: true, note: '已联系' });
      await step(intake, id, { type: 'determine', finding: 'true', reason: '属实' });
      await step(intake, id, { type: 'rectify', class: 'immediate' });
    }
    await step(intake, rectified!.id, { type: 'rectified', note: '已为群众补办，联系电话13812345678' });
    await step(intake, rectified!.id, { type: 'feedback', reached: true, result: '已告知', satisfaction: 'satisfied' });
    // The other is done two days late.
    clock += 3 * 24 * 3600_000;
    await step(intake, late!.id, { type: 'rectified', note: '已整改' });
    await step(intake, late!.id, { type: 'feedback', reached: true, result: '已告知', satisfaction: 'dissatisfied' });

    const aggregates = await adminGet(intake, '/v1/dashboard/aggregates?hall=h1&from=2026-11-01&to=2026-11-30&by=hall&bucket=total');
    expect(aggregates.rows[0]).toMatchObject({ total: 4, levels: [1, 2, 0, 0, 1], bad: 2, rated: 3, good: 1, goodRate: 1 / 3, excludedAfterAppeal: 1 });
    expect(aggregates.tickets).toEqual({
      opened: 3,
      rectifying: 2,
      rectified: 2,
      rectifiedOnTime: 1,
      completionRate: 1,
      onTimeRate: 0.5,
      revisited: 2,
      satisfied: 1,
      satisfactionRate: 0.5,
      appeals: { filed: 1, upheld: 1, rejected: 0, pending: 0 },
    });
    const byStaff = await adminGet(intake, '/v1/dashboard/aggregates?hall=h1&from=2026-11-01&to=2026-11-30&by=staff&bucket=day');
    expect(byStaff.rows).toEqual([expect.objectContaining({ key: 'li4', period: '2026-11-23', excludedAfterAppeal: 1, bad: 2 })]);

    const display = (await intake.app.inject({ method: 'GET', url: '/v1/public/halls/h1/display?from=2026-11-01&to=2026-11-30' })).json();
    expect(display.totals).toMatchObject({ bad: 2, excludedAfterAppeal: 1 });
    expect(display.tickets.completionRate).toBe(1);
    // Only the public 差评's rectification, its phone number masked, no staff names.
    expect(display.rectifications).toEqual([{ day: '2026-11-23', department: '市场监督管理局', item: '企业设立登记', result: expect.stringContaining('已为群众补办') }]);
    expect(JSON.stringify(display)).not.toContain('13812345678');
    expect(JSON.stringify(display)).not.toContain('李四');
  });

  it("counts a dispatched ticket overdue and not rectified on time against the bill's deadline when it is earlier than the hall's working days", async () => {
    clock = Date.parse('2026-11-23T10:00:00+08:00');
    const { intake } = await enrolledIntake(running, now);
    const dispatch = async (externalRef: string, deadline?: string) => {
      const bill = { source: 'province', externalRef, hallCode: 'h1', department: '市场监督管理局', level: 2, reasons: '办理时间过长', realName: false, ...(deadline ? { deadline } : {}) };
      const answer = await intake.app.inject({ method: 'POST', url: '/v1/tickets/dispatched', headers: { authorization: `Bearer ${HARNESS_DISPATCHER.token}` }, payload: bill });
      expect(answer.statusCode).toBe(201);
      return answer.json().id as string;
    };
    // Due from above by Wed 25 Nov 17:30; the hall's 限时整改 would run to the end of Mon 30 Nov.
    const bound = await dispatch('SZ-1', '2026-11-25T17:30:00+08:00');
    const free = await dispatch('SZ-2');
    for (const id of [bound, free]) {
      await step(intake, id, { type: 'contact', reached: true, note: '已联系' });
      await step(intake, id, { type: 'determine', finding: 'true', reason: '属实' });
      await step(intake, id, { type: 'rectify', class: 'limited' });
    }
    // Thu 26 Nov: past the bill's deadline, within the hall's days.
    clock = Date.parse('2026-11-26T10:00:00+08:00');
    expect((await adminGet(intake, '/v1/admin/tickets?overdue=true')).tickets.map((t: { id: string }) => t.id)).toEqual([bound]);
    for (const id of [bound, free]) await step(intake, id, { type: 'rectified', note: '已整改' });
    const aggregates = await adminGet(intake, '/v1/dashboard/aggregates?hall=h1&from=2026-11-01&to=2026-11-30&by=hall&bucket=total');
    expect(aggregates.tickets).toMatchObject({ opened: 2, rectified: 2, rectifiedOnTime: 1, onTimeRate: 0.5 });
  });
});
