import { z } from 'zod';
import type { RatingRecord } from '../../ingest/ratingRecord';
import { BEIJING_ZONE_MINUTES, ratedBeforeCase, SHANDONG_PROFILE, toProvincial } from '../../export/provinceProfiles';
import { readJsonAnswer, type ProvinceAdapter, type SendResult } from '../adapter';
import { sm2Encrypt } from '../gm';

/**
 * The Shandong style (issue 22, design §8). Source [sd]: public Epoint integration code for the
 * Shandong 好差评 system, `com.epoint.hcp.rest.controller.HcpController` (methods
 * addEvaluateService and submitTemp; found through the code index, file id 6295185044):
 * - the body is `{"txnBodyCom":{"sign","time","appMark","params":{"evaluate":[…]}},"txnCommCom":{}}`
 *   posted as JSON with the header `C-Tenancy-Id: 370000000000`;
 * - `sign` is the SM2 encryption of time + appMark + appWord ("即将发送时间、应用标识、应用密钥按顺序连接并进行SM2加密"),
 *   `time` is yyyyMMddHHmmss;
 * - each entry of `evaluate` is the SM2 encryption of a JSON list holding the record;
 * - the service record (addEvaluateService) goes before the rating, which the province matches to it
 *   by projectNo and serviceNumber ("没有对应的服务数据" otherwise);
 * - success is the answer's `C-Response-Desc` = "success".
 *
 * The province's id for a rating and its codes beyond "success" are not in that code: they follow
 * our mock (scripts/shandongMock.ts): `C-Response-Body` a JSON text holding `evaluateId`; code
 * E0300 "already exists" (with the held record's id), E0401 a sign the province did not take (the
 * clock or the credentials, not the record: the record stays pending), any other code a refusal.
 * Check them against the province's interface document before going live.
 */
export interface ShandongConfig {
  /** addEvaluateService and addEvaluate live under it. */
  baseUrl: string;
  /** [sd] C-Tenancy-Id, 370000000000 for the province. */
  tenancyId: string;
  appMark: string;
  /** The secret joined into the sign; never logged. */
  appWord: string;
  /** The province's SM2 public key (hex, 04-prefixed or bare), that sign and records are encrypted to. */
  publicKeyHex: string;
  timeoutMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
  /** SM2 encryption; a test gives a deterministic one to check the request byte for byte. */
  encrypt?: (text: string, publicKeyHex: string) => string;
}

export const SHANDONG_STYLE = 'shandong-json-sm2';
/** [sd] the code of a success in a public sample answer. */
const SUCCESS_CODE = '000000000000';

/** yyyyMMddHHmmss in Beijing time [sd]. */
export function shandongTime(at: number): string {
  return new Date(at + BEIJING_ZONE_MINUTES * 60_000).toISOString().replace(/[-T:]/g, '').slice(0, 14);
}

/** [sd] serviceNumber: the service of the case a rating belongs to; one per stage here (accepted 1, closed 2). */
const serviceNumberOf = (rating: RatingRecord) => (rating.event === 'accepted' ? '1' : '2');

/** [sd] the service record of addEvaluateService, field by field, or the reason it cannot be built. */
export function shandongServiceRecord(rating: RatingRecord): Record<string, string> | string {
  const p = toProvincial(rating, SHANDONG_PROFILE, BEIJING_ZONE_MINUTES);
  if (rating.case.regionCode === undefined) return 'areaCode missing: the case event carries no regionCode, and Shandong takes the service record only with a 12-digit areaCode';
  const record: Record<string, string> = {
    taskCode: rating.case.taskCode, // [sd] 事项编码
    taskName: rating.case.taskName, // [sd]
    projectNo: rating.case.projectNo, // [sd] 办件编号
    proStatus: p.proStatus as string, // [sd] 办件状态 [design §3] 2 已受理, 3 已办结
    proDepart: rating.case.deptName, // [sd] 受理部门
    serviceNumber: serviceNumberOf(rating), // [sd] 服务次数
    // [sd] 服务时间: the case's own time at that stage; the rating's time when the case event gave none.
    serviceTime: (rating.event === 'closed' ? rating.case.resultDate : undefined) ?? rating.case.acceptDate ?? (p.assessTime as string),
    areaCode: rating.case.regionCode.padEnd(12, '0'), // [sd] [issue 22] 12 digits: a 6-digit division code padded with zeros
    proChannel: '2', // [sd] 办件渠道 1 线上, 2 线下: a hall window is offline
    dataSource: SHANDONG_PROFILE.dataSource, // [sd] 数据来源
  };
  if (rating.case.deptCode !== undefined) record.deptCode = rating.case.deptCode; // [sd] 统一社会信用代码
  if (rating.case.userProp !== undefined) record.userProp = String(rating.case.userProp); // [sd] 申请人类型
  if (rating.case.acceptDate !== undefined) record.acceptDate = rating.case.acceptDate; // [sd] 收件时间
  if (rating.case.resultDate !== undefined) record.resultDate = rating.case.resultDate; // [sd] 办结时间
  // promiseTime (即办件 1, 承诺件 2) is not in our case event; it is left out rather than guessed.
  return record;
}

/** [sd] the rating record (submitTemp's 上报 part), field by field. */
export function shandongRatingRecord(rating: RatingRecord): Record<string, string> {
  const p = toProvincial(rating, SHANDONG_PROFILE, BEIJING_ZONE_MINUTES);
  const record: Record<string, string> = {
    projectNo: rating.case.projectNo, // [sd]
    pf: p.pf as string, // [sd] 评价渠道 [design §3]
    taskCode: rating.case.taskCode, // [sd]
    taskName: rating.case.taskName, // [sd]
    proStatus: p.proStatus as string, // [sd]
    proDepart: rating.case.deptName, // [sd]
    serviceNumber: serviceNumberOf(rating), // [sd] matches the service record
    evalDetail: p.evalDetail as string, // [sd] 评价详情
    assessTime: p.assessTime as string, // [sd] 评价时间 yyyy-MM-dd HH:mm:ss
    assessNumber: p.assessNumber as string, // [sd] 评价次数
    dataSource: SHANDONG_PROFILE.dataSource, // [sd]
  };
  if (p.satisfaction !== undefined) record.satisfaction = p.satisfaction as string; // [sd] 整体满意度
  if (p.writingEvaluation !== undefined) record.writingEvaluation = p.writingEvaluation as string; // [sd] 文字评价
  if (rating.case.deptCode !== undefined) record.deptCode = rating.case.deptCode; // [sd]
  if (rating.case.userProp !== undefined) record.userProp = String(rating.case.userProp); // [sd]
  if (rating.case.acceptDate !== undefined) record.acceptDate = rating.case.acceptDate; // [sd]
  return record;
}

/** [sd] the request body: sign and each record already SM2-encrypted. */
export function shandongBody(sign: string, time: string, appMark: string, encryptedRecords: string[]): string {
  return JSON.stringify({ txnBodyCom: { sign, time, appMark, params: { evaluate: encryptedRecords } }, txnCommCom: {} });
}

const ReplySchema = z.object({ 'C-Response-Desc': z.string(), 'C-Response-Code': z.string().optional(), 'C-Response-Body': z.string().optional() });
const ReplyBodySchema = z.object({ evaluateId: z.string().trim().min(1) });

/** The id in `C-Response-Body`, or null when there is none that reads. */
function evaluateIdOf(body: string | undefined): string | null {
  if (body === undefined) return null;
  try {
    const parsed = ReplyBodySchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data.evaluateId : null;
  } catch {
    return null;
  }
}

/** Reads one answer of the province; `duplicate` is "this record already exists there". */
export function readShandongReply(status: number, text: string): SendResult {
  const reply = readJsonAnswer(status, text, ReplySchema, 'C-Response-Desc');
  if (!reply.ok) return reply.retry;
  const { 'C-Response-Desc': desc, 'C-Response-Code': code, 'C-Response-Body': body } = reply.value;
  const id = evaluateIdOf(body);
  if (desc === 'success' && (code === undefined || code === SUCCESS_CODE)) return id ? { kind: 'ack', ackId: id } : { kind: 'retry', error: 'success without an evaluateId: not an acknowledgement' };
  if (code === 'E0300') return { kind: 'duplicate', ackId: id };
  if (code === 'E0401') return { kind: 'retry', error: `the province did not take the sign: ${desc}` };
  return { kind: 'refused', reason: `${code ?? ''} ${desc}`.trim() };
}

export function createShandongAdapter(config: ShandongConfig): ProvinceAdapter {
  const now = config.now ?? Date.now;
  const doFetch = config.fetch ?? fetch;
  const timeoutMs = config.timeoutMs ?? 15_000;
  const encrypt = config.encrypt ?? sm2Encrypt;
  const base = config.baseUrl.replace(/\/$/, '');

  // SM2 encryption costs tens of ms here: the sign of one second (the same text) serves every call in it.
  let sign = { time: '', value: '' };
  const signOf = (time: string) => {
    if (sign.time !== time) sign = { time, value: encrypt(`${time}${config.appMark}${config.appWord}`, config.publicKeyHex) };
    return sign.value;
  };
  // Service records the province confirmed in this process: a retried rating does not send its service again.
  const servicesHeld = new Set<string>();

  async function post(path: string, record: Record<string, string>): Promise<SendResult> {
    const time = shandongTime(now());
    const body = shandongBody(signOf(time), time, config.appMark, [encrypt(JSON.stringify([record]), config.publicKeyHex)]);
    const response = await doFetch(`${base}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json;charset=UTF-8', 'C-Tenancy-Id': config.tenancyId },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return readShandongReply(response.status, await response.text());
  }

  return {
    style: SHANDONG_STYLE,
    // No code in this interface's table marks a system default rating (pf 7 is SMS nationally [design §3]).
    takesDefaultRating: false,
    check(rating) {
      const service = shandongServiceRecord(rating);
      if (typeof service === 'string') return service;
      return ratedBeforeCase(toProvincial(rating, SHANDONG_PROFILE, BEIJING_ZONE_MINUTES));
    },
    async send(rating) {
      const service = shandongServiceRecord(rating);
      if (typeof service === 'string') return { kind: 'refused', reason: service };
      try {
        // Step 1: the service record. "Already exists" is fine: a resend after a lost reply, or another rating's.
        const serviceKey = `${service.projectNo}|${service.serviceNumber}`;
        if (!servicesHeld.has(serviceKey)) {
          const first = await post('addEvaluateService', service);
          if (first.kind === 'retry' || first.kind === 'refused') return first.kind === 'refused' ? { kind: 'refused', reason: `service record: ${first.reason}` } : first;
          servicesHeld.add(serviceKey);
        }
        // Step 2: the rating itself; only its answer acknowledges.
        return await post('addEvaluate', shandongRatingRecord(rating));
      } catch (error) {
        // A network error names neither appWord nor key.
        return { kind: 'retry', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
      }
    },
  };
}
