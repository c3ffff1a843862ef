import { z } from 'zod';
import type { RatingRecord } from '../../ingest/ratingRecord';
import type { Level } from '../../../contract/ratingCodes';
import { BEIJING_ZONE_MINUTES, PROFILES, ratedBeforeCase, toProvincial } from '../../export/provinceProfiles';
import { readJsonAnswer, type ProvinceAdapter, type SendResult } from '../adapter';

/**
 * The Zhejiang style (issue 22, design §8). Source [zj]: public Ningbo integration code,
 * `com.yondervision.yfmap.controller.WebHttpContorller` (found through the code index, file id
 * 3417401498): 办件评价服务 `report` is a form POST (UTF-8) of areaCode, deptCode, taskCode,
 * taskName, projectNo, proStatus (代办理=1 办理中=2 已完结=3), proDepart, proManager 经办人名称, pf
 * (…政务大厅平板电脑=4, 政务大厅其他终端=5, 短信=6, 系统默认评价=7), userProp 评价用户属性 (个人=1 法人=2),
 * satisfaction 整体满意度 (1非常不满意 … 5非常满意), evalDetail (codes, comma-separated),
 * writingEvaluation, assessTime (yyyy-MM-dd HH:mm:ss), assessNumber (首次评价=1, 二次评价=2),
 * acceptDate, dataSource (三位数字 浙江省填133), answered with "result 返回代码 resultmsg 返回信息";
 * the same code takes an Authorization token from `getauth` (Type Basic|Bearer, LoginName, LoginPwd).
 *
 * What that code does not show follows our mock (scripts/zhejiangMock.ts): the answers are JSON,
 * getauth gives `token` and `expiresIn` (seconds); result 200 with the province's `evaluateId`,
 * 300 already evaluated (with the held id), 401 token unknown or expired, other codes a refusal.
 * Check them against the province's interface document before going live.
 */
export interface ZhejiangConfig {
  /** getauth and report live under it. */
  baseUrl: string;
  loginName: string;
  /** Never logged. */
  loginPwd: string;
  timeoutMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

export const ZHEJIANG_STYLE = 'zhejiang-form';

/** [zj] the report form, field by field in the order of the public code, Beijing times; `defaultLevel`: a system default rating (pf 7). */
export function zhejiangForm(rating: RatingRecord, defaultLevel?: Level): URLSearchParams {
  const p = toProvincial(rating, PROFILES.zhejiang!, BEIJING_ZONE_MINUTES, defaultLevel);
  const fields: Array<[string, string | undefined]> = [
    ['areaCode', rating.case.regionCode], // [zj] 部门行政区划编码
    ['deptCode', rating.case.deptCode], // [zj] 18位统一社会信用编码
    ['taskCode', rating.case.taskCode], // [zj] 事项统一编码
    ['taskName', rating.case.taskName], // [zj]
    ['projectNo', rating.case.projectNo], // [zj] 办件统一编号
    ['proStatus', p.proStatus as string], // [zj] 办理中=2 已完结=3
    ['proDepart', rating.case.deptName], // [zj] 受理部门名称
    ['proManager', rating.staff?.name], // [zj] 经办人名称: the staff member the case event credits (none for a window's phone rating)
    ['pf', p.pf as string], // [zj] 评价渠道
    // [zj] 评价用户属性 个人=1 法人=2: our 自然人 (1) is 个人, every other applicant type a 法人.
    ['userProp', rating.case.userProp === undefined ? undefined : rating.case.userProp === 1 ? '1' : '2'],
    ['satisfaction', p.satisfaction as string | undefined], // [zj] 整体满意度
    ['evalDetail', p.evalDetail as string], // [zj] 测评内容代码列表
    ['writingEvaluation', p.writingEvaluation as string | undefined], // [zj] 文字评价
    ['assessTime', p.assessTime as string], // [zj] 评价时间
    ['assessNumber', p.assessNumber as string], // [zj] 首次评价=1
    ['acceptDate', rating.case.acceptDate], // [zj] 收件时间
    ['dataSource', p.dataSource as string], // [zj] 浙江省填133
  ];
  return new URLSearchParams(fields.filter((f): f is [string, string] => f[1] !== undefined));
}

const TokenSchema = z.object({ result: z.literal('200'), token: z.string().min(1), expiresIn: z.number().positive() });
const ReplySchema = z.object({ result: z.string(), resultmsg: z.string().optional(), evaluateId: z.string().optional() });

/** Reads the answer to `report`. */
export function readZhejiangReply(status: number, text: string): SendResult | { kind: 'token' } {
  const reply = readJsonAnswer(status, text, ReplySchema, 'result');
  if (!reply.ok) return reply.retry;
  const { result, resultmsg = '', evaluateId } = reply.value;
  const id = evaluateId?.trim() || null;
  if (result === '200') return id ? { kind: 'ack', ackId: id } : { kind: 'retry', error: 'result 200 without an evaluateId: not an acknowledgement' };
  if (result === '300') return { kind: 'duplicate', ackId: id };
  if (result === '401') return { kind: 'token' };
  return { kind: 'refused', reason: `${result} ${resultmsg}`.trim() };
}

export function createZhejiangAdapter(config: ZhejiangConfig): ProvinceAdapter {
  const now = config.now ?? Date.now;
  const doFetch = config.fetch ?? fetch;
  const timeoutMs = config.timeoutMs ?? 15_000;
  const base = config.baseUrl.replace(/\/$/, '');
  let token: { value: string; until: number } | null = null;

  async function currentToken(): Promise<string> {
    if (token && token.until > now()) return token.value;
    const response = await doFetch(`${base}/getauth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: new URLSearchParams({ Type: 'Bearer', LoginName: config.loginName, LoginPwd: config.loginPwd }).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: z.infer<typeof TokenSchema>;
    try {
      parsed = TokenSchema.parse(JSON.parse(text));
    } catch {
      // Not the body: the province's message could echo the password back.
      throw new Error(`getauth refused or unreadable (HTTP ${response.status})`);
    }
    // A minute early: never send with a token about to lapse in flight.
    token = { value: parsed.token, until: now() + parsed.expiresIn * 1000 - 60_000 };
    return token.value;
  }

  async function reportOnce(rating: RatingRecord, defaultLevel: Level | undefined): Promise<SendResult | { kind: 'token' }> {
    const response = await doFetch(`${base}/report`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', authorization: `Bearer ${await currentToken()}` },
      body: zhejiangForm(rating, defaultLevel).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return readZhejiangReply(response.status, await response.text());
  }

  return {
    style: ZHEJIANG_STYLE,
    // [zj] pf 7 系统默认评价.
    takesDefaultRating: true,
    check(rating) {
      return ratedBeforeCase(toProvincial(rating, PROFILES.zhejiang!, BEIJING_ZONE_MINUTES));
    },
    async send(rating, options = {}) {
      try {
        let answer = await reportOnce(rating, options.defaultLevel);
        if (answer.kind === 'token') {
          token = null;
          answer = await reportOnce(rating, options.defaultLevel);
        }
        return answer.kind === 'token' ? { kind: 'retry', error: 'the province refused a fresh token' } : answer;
      } catch (error) {
        return { kind: 'retry', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
      }
    },
  };
}
