import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../contract/outcome';
import { correctedRatingTime, FUJIAN_PROFILE, PROFILES, provincialTime, provincialWarnings, SHANDONG_PROFILE, toProvincial } from './provinceProfiles';

const base: Outcome = {
  id: '019a0000-0000-7000-8000-000000000001',
  deviceId: 'dev-1',
  seq: 1,
  invitationId: '019a0000-0000-7000-8000-000000000002',
  outcome: 'rated',
  level: 5,
  tags: ['510', '517'],
  comment: '很快',
  public: false,
  callback: { requested: false },
  channel: 'hall-pad',
  ratedAt: '2026-11-22T10:05:09.123+08:00',
  monotonicMs: 1,
  clockOffsetMs: null,
  input: { method: 'touch', inviteToPressMs: 800 },
  event: 'accepted',
  case: { projectNo: 'P1', taskCode: 'T1', taskName: '事项', deptName: '部门', deptCode: '11340100MB1234567X', regionCode: '340104', userProp: 2, acceptDate: '2026-11-22 09:00:00' },
  staff: { loginName: 'zs', name: '张三' },
  window: { hallCode: 'h', windowNo: 'A01', windowName: 'w' },
  questionSetVersion: 'national-2023',
  flags: [],
  prevHash: '0'.repeat(64),
  hash: '1'.repeat(64),
  signature: 'A'.repeat(86),
};

describe('province profiles', () => {
  it('map the same outcome to differing provincial codes', () => {
    const anhui = toProvincial(base, PROFILES.anhui!);
    const zhejiang = toProvincial(base, PROFILES.zhejiang!);
    expect(anhui).toMatchObject({ satisfaction: '5', regionCode: '340104', pf: '4', dataSource: '340' });
    expect(anhui).toMatchObject({ evaluateTime: '2026-11-22 10:05:09' });
    expect(anhui).not.toHaveProperty('assessNumber');
    expect(zhejiang).toMatchObject({ satisfaction: '5', areaCode: '340104', pf: '4', dataSource: '133', assessTime: '2026-11-22 10:05:09', assessNumber: '1' });
    expect(zhejiang).not.toHaveProperty('alternate');
    expect(zhejiang).not.toHaveProperty('evaluateTime');
    for (const record of [anhui, zhejiang]) {
      expect(record).toMatchObject({
        projectNo: 'P1',
        taskCode: 'T1',
        proStatus: '2',
        evalDetail: '510,517',
        writingEvaluation: '很快',
        publicFlag: '2',
        userProp: '2',
        deptCode: '11340100MB1234567X',
        evaluatedPersonInfo: [{ loginName: 'zs', name: '张三' }],
      });
    }
  });

  it('never invents a level for an unrated outcome; the channel tells the province', () => {
    const unrated: Outcome = { ...base, outcome: 'unrated', level: undefined, tags: [], comment: undefined, input: { method: 'none', inviteToPressMs: null } };
    const anhui = toProvincial(unrated, PROFILES.anhui!);
    const zhejiang = toProvincial(unrated, PROFILES.zhejiang!);
    expect(anhui).not.toHaveProperty('satisfaction');
    expect(zhejiang).not.toHaveProperty('satisfaction');
    expect(zhejiang.pf).toBe('7');
    expect(anhui.evaluateState).toBe('unrated');
  });

  it('numbers every level the way each province does', () => {
    const levels = [1, 2, 3, 4, 5] as const;
    expect(levels.map((l) => PROFILES.anhui!.levelCode(l))).toEqual(['1', '2', '3', '4', '5']);
    expect(levels.map((l) => PROFILES.zhejiang!.levelCode(l))).toEqual(['1', '2', '3', '4', '5']);
    expect(provincialTime('2026-01-02T03:04:05.000-05:00')).toBe('2026-01-02 03:04:05');
  });

  it('pins each level of each profile to its meaning: the code sent names what the citizen pressed', () => {
    // Our levels, by what the citizen saw (contract/ratingCodes.ts).
    const meaning = { 1: '非常不满意', 2: '不满意', 3: '基本满意', 4: '满意', 5: '非常满意' } as const;
    // The export profiles and the forwarding adapters' profiles (Fujian, Shandong) alike.
    for (const profile of [...Object.values(PROFILES), FUJIAN_PROFILE, SHANDONG_PROFILE]) {
      for (const level of [1, 2, 3, 4, 5] as const) {
        const record = toProvincial({ ...base, level }, profile);
        const code = record[profile.levelField];
        expect(typeof code).toBe('string');
        expect([profile.name, level, profile.levelNames[code as string]]).toEqual([profile.name, level, meaning[level]]);
      }
    }
    // Zhejiang's published table, pinned by code.
    expect(PROFILES.zhejiang!.levelNames).toEqual({ '1': '非常不满意', '2': '不满意', '3': '基本满意', '4': '满意', '5': '非常满意' });
    expect(toProvincial({ ...base, level: 5 }, PROFILES.zhejiang!).satisfaction).toBe('5');
    expect(toProvincial({ ...base, level: 1 }, PROFILES.zhejiang!).satisfaction).toBe('1');
  });

  it('reports the rating time by the intake clock, in the offset the rating carries, and warns of one before its case', () => {
    expect(correctedRatingTime({ ratedAt: '2026-11-22T10:05:09.123+08:00', clockOffsetMs: null })).toBe('2026-11-22 10:05:09');
    expect(correctedRatingTime({ ratedAt: '2026-11-22T23:50:00.000+08:00', clockOffsetMs: 20 * 60_000 })).toBe('2026-11-23 00:10:00');
    expect(correctedRatingTime({ ratedAt: '2026-11-22T00:05:00.000-05:00', clockOffsetMs: -10 * 60_000 })).toBe('2026-11-21 23:55:00');
    const closed: Outcome = { ...base, event: 'closed', ratedAt: '2026-11-22T09:10:00.000+08:00', case: { ...base.case, resultDate: '2026-11-22 09:30:00' } };
    expect(provincialWarnings(toProvincial(closed, PROFILES.anhui!), closed)).toEqual(['evaluateTime 2026-11-22 09:10:00 is before resultDate 2026-11-22 09:30:00']);
    expect(provincialWarnings(toProvincial({ ...closed, clockOffsetMs: 30 * 60_000 }, PROFILES.anhui!), closed)).toEqual([]);
    const free: Outcome = { ...base, case: { ...base.case, projectNo: 'FREE-019a00000000700080000000000000ab', taskCode: 'WINDOW-SERVICE' }, flags: ['free-rating'] };
    expect(provincialWarnings(toProvincial(free, PROFILES.anhui!), free)).toEqual([
      'free rating of the window (no registered case): projectNo FREE-019a00000000700080000000000000ab is not a case the province knows',
    ]);
  });
  it('warns of a 差评 with neither a reason code nor a comment, which provinces refuse, and of no other rating', () => {
    const { comment: _comment, ...noComment } = base;
    const bare: Outcome = { ...noComment, level: 1, tags: [] };
    const warning = 'a 差评 without a reason code or a written comment: some provinces refuse it';
    expect(provincialWarnings(toProvincial(bare, PROFILES.zhejiang!), bare)).toEqual([warning]);
    expect(provincialWarnings(toProvincial({ ...bare, level: 2 }, PROFILES.anhui!), { ...bare, level: 2 })).toEqual([warning]);
    for (const fine of [{ ...bare, tags: ['113'] }, { ...bare, comment: '跑了三次' }, { ...bare, level: 3 as const }, { ...noComment, outcome: 'unrated' as const, level: undefined, tags: [] }]) {
      expect(provincialWarnings(toProvincial(fine as Outcome, PROFILES.anhui!), fine as Outcome)).toEqual([]);
    }
  });
});
