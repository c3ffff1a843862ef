import { FREE_RATING_PROJECT_PREFIX, FREE_RATING_TASK_CODE } from '../../contract/freeRating';
import type { Channel } from '../../contract/hallConfig';
import type { Outcome } from '../../contract/outcome';
import type { Level } from '../../contract/ratingCodes';
import type { RatingRecord } from '../ingest/ratingRecord';

/**
 * Province profiles: how our outcome maps to a provincial intake's field names and codes.
 * Provinces differ in channel (pf) codes, in field names and in level numbering (provincial
 * interfaces use 5 = 非常满意; GB/T 39046 numbers the other way).
 *
 * Sources, cited per field below:
 * - [design §3]: ../shared/design.md §3, the provincial field names seen in public integration code
 *   (Anhui, Fujian, Beijing, Zhejiang, Shandong) and the national pf / level / flag codes.
 * - [zj]: public Zhejiang (Ningbo) 好差评 integration code as summarised in issue 22: the rating
 *   service's `satisfaction` 整体满意度 (1 非常不满意, 2 不满意, 3 基本满意, 4 满意, 5 非常满意),
 *   `pf` 1–7 (6 短信, 7 系统默认评价), `assessTime`, `assessNumber` (1 first, 2 second rating),
 *   `userProp`, `dataSource` "三位数字 浙江省填133", `areaCode`, `deptCode`, `acceptDate`.
 * - [ah]: design §3 names `satisfaction` 5 非常满意 … 1 非常不满意 and `regionCode`; the Anhui
 *   dataSource 340 is the province's GB/T 2260 division prefix (34), as design §3's 3-digit code.
 */
export interface ProvinceProfile {
  name: string;
  dataSource: string;
  channelCodes: Record<Channel, string>;
  levelCode: (level: Level) => string;
  /** The province's own name for each code it takes in levelField (from its published code table). */
  levelNames: Record<string, string>;
  /** Code sent for an invitation that ended without a rating: the province applies its default rule. */
  unratedChannel: string;
  /** The channel that marks a rating as the system's default (never the citizen's), where the province's code table has one. */
  defaultRatingChannel?: string;
  levelField: 'satisfaction' | 'alternate';
  regionField: 'regionCode' | 'areaCode';
  /** Field holding the rating time ("yyyy-MM-dd HH:mm:ss"). */
  timeField: 'evaluateTime' | 'assessTime';
  /** Field telling a first rating from a second one, when the province has one. */
  ratingNumberField?: 'assessNumber';
  /**
   * Whether the interface has a call that takes a 差评 ticket's state and determination (issue 23);
   * only then are ticket states queued for it. None of the public provincial interfaces followed
   * here (Fujian, Shandong, Ningbo/Zhejiang, Anhui) shows one, so only the reference profile has it.
   */
  ticketState: boolean;
}

/** Interface numbering shared by every profile here: 5 非常满意 … 1 非常不满意 [design §3]. */
const INTERFACE_LEVEL_NAMES: Record<string, string> = { '1': '非常不满意', '2': '不满意', '3': '基本满意', '4': '满意', '5': '非常满意' };

export const PROFILES: Record<string, ProvinceProfile> = {
  anhui: {
    name: 'anhui',
    // [ah] GB/T 2260 prefix 34 as a 3-digit data source.
    dataSource: '340',
    // [design §3] pf: 1 PC, 2 mobile, 3 QR code, 4 hall PAD, 5 hall other/self-service terminal.
    channelCodes: { pc: '1', mobile: '2', 'qr-code': '3', 'hall-pad': '4', 'hall-terminal': '5' },
    // [ah] satisfaction 5 非常满意 … 1 非常不满意: our level is already the interface number.
    levelCode: (level) => String(level),
    levelNames: INTERFACE_LEVEL_NAMES,
    // [design §3] an unrated case goes out on the hall PAD channel (4) with no level: the province's default rule applies.
    unratedChannel: '4',
    levelField: 'satisfaction',
    regionField: 'regionCode',
    timeField: 'evaluateTime',
    // No call for a ticket's state in this interface.
    ticketState: false,
  },
  zhejiang: {
    name: 'zhejiang',
    // [zj] dataSource "三位数字 浙江省填133".
    dataSource: '133',
    // [zj] pf 1–5 as the national codes [design §3]; 6 is SMS and 7 the system default in Zhejiang.
    channelCodes: { pc: '1', mobile: '2', 'qr-code': '3', 'hall-pad': '4', 'hall-terminal': '5' },
    // [zj] satisfaction 1 非常不满意, 2 不满意, 3 基本满意, 4 满意, 5 非常满意: the interface numbering, not GB/T 39046's.
    levelCode: (level) => String(level),
    levelNames: INTERFACE_LEVEL_NAMES,
    // [zj] pf 7 系统默认评价: an outcome the system filled in by default, never the citizen's choice.
    unratedChannel: '7',
    // [zj] pf 7 系统默认评价: the default rating the province requires for an unrated case, marked as the system's.
    defaultRatingChannel: '7',
    // [zj] satisfaction 整体满意度.
    levelField: 'satisfaction',
    // [zj] areaCode.
    regionField: 'areaCode',
    // [zj] assessTime.
    timeField: 'assessTime',
    // No call for a ticket's state in this interface.
    ticketState: false,
    // [zj] assessNumber: 1 first rating, 2 second rating.
    ratingNumberField: 'assessNumber',
  },
};

/**
 * The Fujian interface's record (the `<Case>` of getSaveEvaluation), used by the fujian-soap-sm4
 * adapter (forwarding/adapters/fujianSoapSm4.ts); not an export profile. Source [fj]: public Fujian
 * integration code as summarised in issue 22 and design §8: level 1–5 in `alternate`, times
 * "yyyy-MM-dd HH:mm:ss", reasons as a comma-separated code list, pf 5 for hall devices in some
 * deployments.
 */
export const FUJIAN_PROFILE: ProvinceProfile = {
  name: 'fujian',
  // [fj] GB/T 2260 prefix 35 as the 3-digit data source, as [design §3]'s provincial code.
  dataSource: '350',
  // [design §3] pf 1–3 national; [fj] pf 5 for hall devices (PAD and terminal alike) in Fujian deployments.
  channelCodes: { pc: '1', mobile: '2', 'qr-code': '3', 'hall-pad': '5', 'hall-terminal': '5' },
  // [fj] alternate 1–5 in the interface numbering [design §3]: 5 非常满意 … 1 非常不满意.
  levelCode: (level) => String(level),
  levelNames: INTERFACE_LEVEL_NAMES,
  // [fj] no level and the hall channel: the province applies its default rule.
  unratedChannel: '5',
  levelField: 'alternate',
  // [design §3] areaCode.
  regionField: 'areaCode',
  // [design §3] [fj] evaluateTime.
  timeField: 'evaluateTime',
  // No call for a ticket's state in this interface.
  ticketState: false,
};

/**
 * The Shandong interface's records (addEvaluateService and the rating), used by the
 * shandong-json-sm2 adapter (forwarding/adapters/shandongJsonSm2.ts); not an export profile.
 * Source [sd]: public Epoint Shandong 好差评 integration code (HcpController, see the adapter):
 * `satisfaction` 整体满意度, `assessTime`, `assessNumber` 评价次数, `areaCode`, `dataSource` "165"
 * as that code sends it, pf as the national codes [design §3].
 */
export const SHANDONG_PROFILE: ProvinceProfile = {
  name: 'shandong',
  // [sd] dataSource "165" as the public code sends it; a hall confirms its own with the province.
  dataSource: '165',
  // [design §3] pf 1 PC, 2 mobile, 3 QR code, 4 hall PAD, 5 hall other terminal.
  channelCodes: { pc: '1', mobile: '2', 'qr-code': '3', 'hall-pad': '4', 'hall-terminal': '5' },
  // [sd] satisfaction as the interface numbers it [design §3]: 5 非常满意 … 1 非常不满意 (grade < 3 needs a reason there).
  levelCode: (level) => String(level),
  levelNames: INTERFACE_LEVEL_NAMES,
  // [design §3] no level and the hall PAD channel; a default rating is sent only where the hall config says the province requires it.
  unratedChannel: '4',
  levelField: 'satisfaction',
  regionField: 'areaCode',
  timeField: 'assessTime',
  // No call for a ticket's state in this interface.
  ticketState: false,
  // [sd] assessNumber 评价次数: 1 first rating.
  ratingNumberField: 'assessNumber',
};

/**
 * The product's own reference interface (reference-json, scripts/referenceMock.ts): not a real
 * province's. JSON over HTTP with the national codes [design §3], and the one profile with the
 * call for a ticket's state, so the generic path of ticket states upstream is built and tested
 * against something; a province whose interface document names such a call gets its own profile.
 */
export const REFERENCE_PROFILE: ProvinceProfile = {
  name: 'reference',
  // Not a province: no GB/T 2260 prefix; "000" marks the reference interface.
  dataSource: '000',
  channelCodes: { pc: '1', mobile: '2', 'qr-code': '3', 'hall-pad': '4', 'hall-terminal': '5' },
  levelCode: (level) => String(level),
  levelNames: INTERFACE_LEVEL_NAMES,
  unratedChannel: '4',
  levelField: 'satisfaction',
  regionField: 'regionCode',
  timeField: 'evaluateTime',
  ticketState: true,
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
export function correctedRatingTime(outcome: Pick<Outcome, 'ratedAt' | 'clockOffsetMs'>, zoneMinutes?: number): string {
  if (zoneMinutes === undefined && (outcome.clockOffsetMs === null || outcome.clockOffsetMs === 0)) return provincialTime(outcome.ratedAt);
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(outcome.ratedAt);
  const ownZoneMs = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) * 60_000 : 0;
  // A forwarder writes every time in the hall's zone (Beijing for every province today), whatever zone the device ran in.
  const zoneMs = zoneMinutes === undefined ? ownZoneMs : zoneMinutes * 60_000;
  const local = new Date(Date.parse(outcome.ratedAt) + (outcome.clockOffsetMs ?? 0) + zoneMs).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 19)}`;
}

/** Beijing time (UTC+8), the zone every province's interface takes times in today. */
export const BEIJING_ZONE_MINUTES = 480;

/** A rating timed before its case (acceptDate or resultDate), which provinces refuse; null when it is not. */
export function ratedBeforeCase(record: ProvincialRecord): string | null {
  const timeField = record.assessTime !== undefined ? 'assessTime' : 'evaluateTime';
  const evaluated = record[timeField];
  for (const field of ['acceptDate', 'resultDate'] as const) {
    const caseTime = record[field];
    // "yyyy-MM-dd HH:mm:ss" strings compare in time order.
    if (typeof caseTime === 'string' && typeof evaluated === 'string' && evaluated < caseTime) return `${timeField} ${evaluated} is before ${field} ${caseTime}`;
  }
  return null;
}

/** What a province would refuse in a record, said before it is sent. */
export function provincialWarnings(record: ProvincialRecord, outcome: Pick<Outcome, 'outcome' | 'level' | 'tags' | 'comment'>): string[] {
  const warnings: string[] = [];
  const beforeCase = ratedBeforeCase(record);
  if (beforeCase) warnings.push(beforeCase);
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

/**
 * `zoneMinutes`: write the rating time in that zone (the hall's) instead of the rating's own offset.
 * `defaultLevel`: for an invitation that ended unrated or declined, the level of the default rating
 * the province requires, sent on the profile's system-default channel (never as the citizen's choice).
 */
export function toProvincial(outcome: RatingRecord, profile: ProvinceProfile, zoneMinutes?: number, defaultLevel?: Level): ProvincialRecord {
  const record: ProvincialRecord = {
    projectNo: outcome.case.projectNo, // [design §3] case number, an..50
    taskCode: outcome.case.taskCode, // [design §3] item code, an..24
    taskName: outcome.case.taskName, // [design §3] item name
    proStatus: outcome.event === 'accepted' ? '2' : '3', // [design §3] [zj] 2 已受理/办理中, 3 已办结
    deptName: outcome.case.deptName, // [design §3] department
    // [design §3] staff; none for a window's phone rating, which rates the window's service.
    evaluatedPersonInfo: outcome.staff ? [{ loginName: outcome.staff.loginName, name: outcome.staff.name }] : [],
    pf: outcome.outcome === 'rated' ? profile.channelCodes[outcome.channel] : profile.unratedChannel, // [design §3] channel, per profile
    evalDetail: outcome.tags.join(','), // [design §3] comma-separated national tag codes
    publicFlag: outcome.public ? '1' : '2', // [design §3] 1 yes, 2 no
    anonymityFlag: '1', // [design §3] 1 yes: the device never names the citizen
    dataSource: profile.dataSource, // [design §3] 3-digit provincial code, per profile
    [profile.timeField]: correctedRatingTime(outcome, zoneMinutes),
    evaluateState: outcome.outcome, // ours (rated/unrated/declined), for the reader of the export; no province field
  };
  // [zj] assessNumber 1: the stored rating is the citizen's first (and only) rating of this case stage.
  if (profile.ratingNumberField) record[profile.ratingNumberField] = '1';
  // Never invent a level: an unrated or declined outcome carries none, unless the province's default rating is asked for, marked as the system's.
  if (outcome.level !== undefined) record[profile.levelField] = profile.levelCode(outcome.level);
  else if (defaultLevel !== undefined) {
    if (profile.defaultRatingChannel === undefined) throw new Error(`${profile.name}: no channel code marks a system default rating`);
    record.pf = profile.defaultRatingChannel;
    record[profile.levelField] = profile.levelCode(defaultLevel);
  }
  if (outcome.comment !== undefined) record.writingEvaluation = outcome.comment; // [design §3]
  // Ours, for the reader of the export (no province field): a phone rating's flags (window-service, over a limit).
  if (outcome.phoneFlags && outcome.phoneFlags.length > 0) record.phoneFlags = outcome.phoneFlags.join(',');
  if (outcome.case.userProp !== undefined) record.userProp = String(outcome.case.userProp); // [design §3] [zj] applicant type
  if (outcome.case.regionCode !== undefined) record[profile.regionField] = outcome.case.regionCode;
  if (outcome.case.deptCode !== undefined) record.deptCode = outcome.case.deptCode; // [design §3] [zj] 18-digit credit code
  if (outcome.case.acceptDate !== undefined) record.acceptDate = outcome.case.acceptDate; // [design §3] [zj]
  if (outcome.case.resultDate !== undefined) record.resultDate = outcome.case.resultDate; // [design §3]
  return record;
}
