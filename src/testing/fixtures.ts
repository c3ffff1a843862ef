import { v7 as uuidv7 } from 'uuid';
import { DeviceContextSchema, PoliciesSchema, type DeviceContext, type Policies } from '../../contract/hallConfig';
import type { Invitation } from '../../contract/invitation';
import type { Outcome } from '../../contract/outcome';
import type { EvaluatorDb } from '../data/db';
import { createOutcomeRecorder, type OutcomeRecorder, type RecordContext, type SealedEnding } from '../data/outbox';
import { outcomeSigner } from '../device/deviceKey';

export const testPolicies: Policies = PoliciesSchema.parse({ inviteTimeoutSec: 60, detailsTimeoutSec: 120, thanksSec: 4 });

export function makeInvitation(overrides: Partial<Invitation> = {}): Invitation {
  return {
    id: uuidv7(),
    event: 'closed',
    case: {
      projectNo: 'P20261122000123',
      taskCode: '11340100MB1234567X',
      taskName: '企业设立登记',
      deptName: '市场监督管理局',
      regionCode: '340104',
      userProp: 2,
      acceptDate: '2026-11-22 09:00:00',
    },
    staff: { loginName: 'zhangsan', name: '张三', staffNo: 'A0123' },
    receivedAtMs: 1_700_000_000_000,
    ...overrides,
  };
}

export const testContext: DeviceContext = DeviceContextSchema.parse({
  hall: { code: 'test-hall', name: '测试政务服务中心', regionCode: '340104' },
  window: { no: 'A01', name: '综合受理 1 号窗口', ratingUrl: 'https://example.gov.cn/rate?w=A01' },
  device: { id: 'test-pad-a01', kind: 'pad', channel: 'hall-pad' },
  languages: ['zh-CN', 'en'],
  policies: testPolicies,
});

const recorders = new WeakMap<EvaluatorDb, OutcomeRecorder>();

/** Records as the app does, signed with the database's own device key; nobody paired unless given. */
export function recordOutcome(
  db: EvaluatorDb,
  invitation: Invitation,
  ending: SealedEnding,
  rc: Omit<RecordContext, 'signedIn'> & Partial<Pick<RecordContext, 'signedIn'>>,
): Promise<Outcome> {
  let recorder = recorders.get(db);
  if (!recorder) {
    recorder = createOutcomeRecorder(db, outcomeSigner(db));
    recorders.set(db, recorder);
  }
  return recorder.record(invitation, ending, { signedIn: null, ...rc });
}
