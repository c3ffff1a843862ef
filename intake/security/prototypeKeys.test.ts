import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, bootIntake, CASE_TOKEN, closeAll } from './securityHarness';

afterEach(closeAll);

const CASE_EVENT = { event: 'closed', case: { projectNo: 'P1', taskCode: 'T1', taskName: '事项', deptName: '部门' }, staff: { loginName: 'w5', name: '王五' } };
/** Names every plain object answers to. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

// Finding: tokens were looked up on plain objects, so `__proto__` or `constructor` found
// something that was never configured.
describe('lookups by names a caller chooses', () => {
  it('a device id like __proto__ or constructor finds no case-event token', async () => {
    const intake = await bootIntake({ caseEventTokens: { 'dev-1': CASE_TOKEN } });
    for (const deviceId of PROTOTYPE_KEYS) {
      for (const authorization of ['Bearer [object Object]', 'Bearer function Object() { [native code] }', 'Bearer undefined']) {
        const response = await intake.app.inject({ method: 'POST', url: `/v1/devices/${deviceId}/case-events`, headers: { authorization }, payload: CASE_EVENT });
        expect([deviceId, authorization, response.statusCode]).toEqual([deviceId, authorization, 401]);
      }
    }
  });

  it('a hall named like a prototype key reads nothing and breaks nothing on the dashboard routes', async () => {
    const intake = await bootIntake({ dashboardTokens: { H1: 'h1-dashboard-token-0123456789abcdef' } });
    for (const hall of PROTOTYPE_KEYS) {
      const query = `hall=${hall}&from=2026-11-01&to=2026-11-30`;
      for (const url of [`/v1/dashboard/aggregates?${query}`, `/v1/dashboard/hot-words?${query}`, `/v1/dashboard/export.csv?${query}`]) {
        const response = await intake.app.inject({ method: 'GET', url, headers: { authorization: 'Bearer [object Object]' } });
        expect([url, response.statusCode]).toEqual([url, 401]);
      }
      const display = await intake.app.inject({ method: 'GET', url: `/v1/public/halls/${hall}/display?from=2026-11-01&to=2026-11-30` });
      expect([hall, display.statusCode]).toEqual([hall, 200]);
    }
  });

  it('an export profile named like a prototype key is an unknown profile, not a crash', async () => {
    const intake = await bootIntake();
    for (const profile of PROTOTYPE_KEYS) {
      const response = await intake.app.inject({ method: 'GET', url: `/v1/export?profile=${profile}`, headers: { authorization: `Bearer ${ADMIN}` } });
      expect([profile, response.statusCode, response.json().error?.code]).toEqual([profile, 400, 'unknown_profile']);
    }
  });
});
