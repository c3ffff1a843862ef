import { describe, expect, it } from 'vitest';
import type { RunningIntake } from '../intake/server';
import { adminGet, closedAfterEach, enrolledIntake, HARNESS_ADMIN } from '../intake/testing/intakeHarness';
import { signInWork, WORK_PEOPLE, workActOk, workGet } from '../intake/testing/workSession';
import { dispatchBill } from './mockProvinceDispatch';
import { startMockProvince, type StartedMock } from './mockProvinceStart';

const open = closedAfterEach<RunningIntake | StartedMock>();
const now = () => Date.parse('2026-11-23T10:00:00+08:00');

/** The mock province as the intake config lists it: its own dispatch token, hall h1 only. */
const MOCK_DISPATCHER = { id: 'mock-province', name: '模拟省平台 (reference interface)', token: 'mock-province-dispatch-token-0123456789', halls: ['h1'] };

async function intakeAndMock() {
  const { intake } = await enrolledIntake(open as RunningIntake[], now, { people: WORK_PEOPLE, dispatchers: [MOCK_DISPATCHER] });
  const mock = await startMockProvince('fujian');
  open.push(mock);
  return { intake, mock, target: { origin: intake.origin, token: MOCK_DISPATCHER.token } };
}

describe('a 差评 ticket dispatched from above, from the mock province to the work queue', () => {
  it('reaches the department handler as an opened ticket with the bill beside it, and the handler works it', async () => {
    const { intake, mock, target } = await intakeAndMock();
    const answer = await mock.dispatch(target, dispatchBill('GD-2026-0001'));
    expect(answer).toEqual({ status: 201, ticketId: '12345-GD-2026-0001' });

    const handler = await signInWork(intake, 'handler');
    const list = (await workGet(intake, handler, '/v1/work/tickets')).json();
    expect(list.tickets.map((t: { id: string; stage: string; mine: string[]; dispatch: { externalRef: string } }) => [t.id, t.stage, t.mine, t.dispatch.externalRef])).toEqual([
      ['12345-GD-2026-0001', 'opened', ['contact'], 'GD-2026-0001'],
    ]);
    const page = (await workGet(intake, handler, '/v1/work/tickets/12345-GD-2026-0001')).json();
    expect(page).toMatchObject({ outcomeId: null, rating: null, department: '市场监督管理局', ticket: { realName: true }, dispatch: { source: '12345', level: 1, deadline: '2026-11-30T17:30:00+08:00' }, dispatcher: 'mock-province' });
    expect(page.dispatch.reasons).toContain('多次被要求补交材料');
    // Another department's handler does not see it.
    expect((await workGet(intake, await signInWork(intake, 'other'), '/v1/work/tickets')).json().tickets).toEqual([]);

    const contacted = await workActOk(intake, handler, '12345-GD-2026-0001', { type: 'contact', reached: true, note: '已电话联系群众' });
    expect(contacted).toMatchObject({ stage: 'contacted', version: 2, timeline: [{ actor: { id: 'dispatcher:mock-province' } }, { actor: { id: 'handler' }, to: 'contacted' }] });

    // 限时整改 from Mon 23 Nov would be due at the end of Mon 30 Nov (5 working days); the bill's
    // deadline, 17:30 that day, is earlier, and is the due date the queue shows and counts.
    await workActOk(intake, handler, '12345-GD-2026-0001', { type: 'determine', finding: 'true', reason: '核查属实' });
    const rectifying = await workActOk(intake, handler, '12345-GD-2026-0001', { type: 'rectify', class: 'limited' });
    expect(rectifying).toMatchObject({ stage: 'rectifying', dueAt: '2026-11-30T09:30:00.000Z', dueIsExternal: true });
    const queued = (await workGet(intake, handler, '/v1/work/tickets')).json().tickets;
    expect(queued.map((t: { dueAt: string; dueIsExternal: boolean }) => [t.dueAt, t.dueIsExternal])).toEqual([['2026-11-30T09:30:00.000Z', true]]);
  });

  it('takes the same bill sent again (the province heard nothing back) as the same ticket, never a second one', async () => {
    const { intake, mock, target } = await intakeAndMock();
    const bill = dispatchBill('GD-2026-0002');
    expect((await mock.dispatch(target, bill)).status).toBe(201);
    expect(await mock.dispatch(target, bill)).toEqual({ status: 200, ticketId: '12345-GD-2026-0002' });
    // The same number with another body is a conflict, and changes nothing.
    expect((await mock.dispatch(target, { ...bill, reasons: '另一份通报' })).status).toBe(409);
    expect(mock.dispatched().map((d) => d.answer.status)).toEqual([201, 200, 409]);

    const tickets = await adminGet(intake, '/v1/admin/tickets');
    expect(tickets.tickets.map((t: { id: string; version: number }) => [t.id, t.version])).toEqual([['12345-GD-2026-0002', 1]]);
    expect(tickets.tickets[0].dispatch.reasons).toBe(bill.reasons);
    // One opening in the action log.
    expect(await adminGet(intake, '/v1/admin/tickets-log/verify')).toEqual({ ok: true, checked: 1 });
  });

  it('is refused with a token the intake does not list for dispatching, the admin token included, or for another hall; nothing is opened', async () => {
    const { intake, mock, target } = await intakeAndMock();
    expect(await mock.dispatch({ ...target, token: 'not-the-dispatch-token-0123456789abcdef' }, dispatchBill('GD-2026-0003'))).toEqual({ status: 401, ticketId: null });
    expect(await mock.dispatch({ ...target, token: HARNESS_ADMIN }, dispatchBill('GD-2026-0003'))).toEqual({ status: 401, ticketId: null });
    expect(await mock.dispatch(target, dispatchBill('GD-2026-0003', { hallCode: 'h2' }))).toEqual({ status: 403, ticketId: null });
    expect((await adminGet(intake, '/v1/admin/tickets')).tickets).toEqual([]);
  });
});
