import type { Outcome } from '../../contract/outcome';

/**
 * One stored rating as the forwarding adapters get it (the press merged with its details), for
 * their byte-for-byte request tests: a 不满意 with a reason, rated at 02:05:09 UTC by a device set
 * to UTC (10:05:09 Beijing at the province). `overrides` replace whole fields (give all of `case`).
 */
export function sampleRating(overrides: Partial<Outcome> = {}): Outcome {
  return {
    id: '019a0000-0000-7000-8000-000000000001',
    deviceId: 'dev-1',
    seq: 1,
    invitationId: '019a0000-0000-7000-8000-000000000002',
    outcome: 'rated',
    level: 2,
    tags: ['213'],
    comment: '等<太>久 & 反复',
    public: false,
    callback: { requested: false },
    channel: 'hall-pad',
    ratedAt: '2026-11-22T02:05:09.123+00:00',
    monotonicMs: 1,
    clockOffsetMs: null,
    input: { method: 'touch', inviteToPressMs: 800 },
    event: 'closed',
    case: { projectNo: 'FJ-P1', taskCode: 'T1', taskName: '事项', deptName: '部门', regionCode: '350102', userProp: 1, acceptDate: '2026-11-22 09:00:00' },
    staff: { loginName: 'zs', name: '张三' },
    window: { hallCode: 'h1', windowNo: 'A01', windowName: 'w' },
    questionSetVersion: 'national-2023',
    flags: [],
    prevHash: '0'.repeat(64),
    hash: '1'.repeat(64),
    signature: 'A'.repeat(86),
    ...overrides,
  };
}
