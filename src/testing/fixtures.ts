import { v7 as uuidv7 } from 'uuid';
import { DeviceContextSchema, PoliciesSchema, type DeviceContext, type Policies } from '../../contract/hallConfig';
import type { Invitation } from '../../contract/invitation';

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
