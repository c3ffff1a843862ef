import { FREE_RATING_PROJECT_PREFIX, FREE_RATING_TASK_CODE } from '../../contract/freeRating';
import type { Channel } from '../../contract/hallConfig';
import type { Outcome } from '../../contract/outcome';
import type { Level } from '../../contract/ratingCodes';

/**
 * Province profiles: how our outcome maps to a provincial intake's field names and codes.
 * Provinces differ in channel (pf) codes and in level numbering (interfaces use 5 = 非常满意;
 * GB/T 39046 numbers the other way).
 */
export interface ProvinceProfile {
  name: string;
  dataSource: string;
  channelCodes: Record<Channel, string>;
  levelCode: (level: Level) => string;
  /** Code sent for an invitation that ended without a rating: the province applies its default rule. */
  unratedChannel: string;
  levelField: 'satisfaction' | 'alternate';
  regionField: 'regionCode' | 'areaCode';
}

export const PROFILES: Record<string, ProvinceProfile> = {
  anhui: {
    name: 'anhui',
    dataSource: '340',
    channelCodes: { pc: '1', mobile: '2', 'qr-code': '3', 'hall-pad': '4', 'hall-terminal': '5' },
    levelCode: (level) => String(level),
    unratedChannel: '4',
    levelField: 'satisfaction',
    regionField: 'regionCode',
  },
  zhejiang: {
    name: 'zhejiang',
    dataSource: '330',
    channelCodes: { pc: '1', mobile: '2', 'qr-code': '3', 'hall-pad': '4', 'hall-terminal': '5' },
    // GB/T 39046 order: 1 非常满意 … 5 非常不满意.
    levelCode: (level) => String(6 - level),
    // Zhejiang codes an outcome the system filled in by default as channel 7.
    unratedChannel: '7',
    levelField: 'alternate',
    regionField: 'areaCode',
  },
};

/** "yyyy-MM-dd HH:mm:ss" in the rating's own UTC offset, as provincial interfaces expect. */
export function provincialTime(isoWithOffset: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(isoWithOffset);
  if (!match) throw new Error(`not an ISO time: ${isoWithOffset}`);
  return `${match[1]} ${match[2]}`;
}

/**
 * When the rating happened by the intake's clock, in the rating's own UTC offset: the device's
 * ratedAt moved by the clock offset it measured at its last sync. A tablet whose clock runs slow
 * would otherwise report a rating before the case it rates, which some provinces refuse.
 */
export function correctedRatingTime(outcome: Pick<Outcome, 'ratedAt' | 'clockOffsetMs'>): string {
  if (outcome.clockOffsetMs === null || outcome.clockOffsetMs === 0) return provincialTime(outcome.ratedAt);
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(outcome.ratedAt);
  const zoneMs = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) * 60_000 : 0;
  const local = new Date(Date.parse(outcome.ratedAt) + outcome.clockOffsetMs + zoneMs).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 19)}`;
}

/** What a province would refuse in a record, said before it is sent. */
export function provincialWarnings(record: ProvincialRecord, outcome: Pick<Outcome, 'outcome' | 'level' | 'tags' | 'comment'>): string[] {
  const warnings: string[] = [];
  const evaluated = record.evaluateTime;
  for (const field of ['acceptDate', 'resultDate'] as const) {
    const caseTime = record[field];
    // "yyyy-MM-dd HH:mm:ss" strings compare in time order.
    if (typeof caseTime === 'string' && typeof evaluated === 'string' && evaluated < caseTime) warnings.push(`evaluateTime ${evaluated} is before ${field} ${caseTime}`);
  }
  // Provinces refuse a 差评 with neither a reason code nor a text (the citizen left the details screen empty, or the power went).
  if (outcome.outcome === 'rated' && outcome.level !== undefined && outcome.level <= 2 && outcome.tags.length === 0 && !outcome.comment) {
    warnings.push('a 差评 without a reason code or a written comment: some provinces refuse it');
  }
  // A free rating rates the window, not a registered case: a province matching projectNo to its cases may refuse it.
  if (record.taskCode === FREE_RATING_TASK_CODE && typeof record.projectNo === 'string' && record.projectNo.startsWith(FREE_RATING_PROJECT_PREFIX)) {
    warnings.push(`free rating of the window (no registered case): projectNo ${record.projectNo} is not a case the province knows`);
  }
  return warnings;
}

export type ProvincialRecord = Record<string, string | Array<{ loginName: string; name: string }>>;

export function toProvincial(outcome: Outcome, profile: ProvinceProfile): ProvincialRecord {
  const record: ProvincialRecord = {
    projectNo: outcome.case.projectNo,
    taskCode: outcome.case.taskCode,
    taskName: outcome.case.taskName,
    proStatus: outcome.event === 'accepted' ? '2' : '3',
    deptName: outcome.case.deptName,
    evaluatedPersonInfo: [{ loginName: outcome.staff.loginName, name: outcome.staff.name }],
    pf: outcome.outcome === 'rated' ? profile.channelCodes[outcome.channel] : profile.unratedChannel,
    evalDetail: outcome.tags.join(','),
    publicFlag: outcome.public ? '1' : '2',
    anonymityFlag: '1',
    dataSource: profile.dataSource,
    evaluateTime: correctedRatingTime(outcome),
    evaluateState: outcome.outcome,
  };
  // Never invent a level: an unrated or declined outcome carries none.
  if (outcome.level !== undefined) record[profile.levelField] = profile.levelCode(outcome.level);
  if (outcome.comment !== undefined) record.writingEvaluation = outcome.comment;
  if (outcome.case.userProp !== undefined) record.userProp = String(outcome.case.userProp);
  if (outcome.case.regionCode !== undefined) record[profile.regionField] = outcome.case.regionCode;
  if (outcome.case.deptCode !== undefined) record.deptCode = outcome.case.deptCode;
  if (outcome.case.acceptDate !== undefined) record.acceptDate = outcome.case.acceptDate;
  if (outcome.case.resultDate !== undefined) record.resultDate = outcome.case.resultDate;
  return record;
}
