import { z } from 'zod';
import { isTagOfLevel, RATING_TAGS } from '../contract/ratingCodes';
import { sm2Decrypt, sm2KeyPair } from '../intake/forwarding/gm';
import { faultDraw, listen, PROVINCIAL_TIME, ratingRuleBreak, readBody, type FaultCounts, type MockFaults } from './mockProvinceKit';

/**
 * A mock Shandong provincial 好差评 interface (shandong-json-sm2, see
 * intake/forwarding/adapters/shandongJsonSm2.ts for the public sources): JSON
 * `txnBodyCom{sign,time,appMark,params.evaluate[]}` with `C-Tenancy-Id`; the sign (SM2 of
 * time+appMark+appWord, within 5 minutes of the province's clock) and each record (SM2 of a JSON
 * list) decrypted with the province's private key; addEvaluateService before addEvaluate (a rating
 * without its service record is refused); a rating timed before its case refused; one rating per
 * case service (a second is answered E0300 with the first one's id); unknown codes and a 差评
 * without a reason refused; its own ids; intermittent 5xx, late and lost replies after commit.
 */
export interface ShandongMockOptions extends MockFaults {
  tenancyId: string;
  appMark: string;
  appWord: string;
  /** The province's SM2 key pair; a new one when absent (its public key is `publicKeyHex`). */
  privateKeyHex?: string;
  publicKeyHex?: string;
  now?: () => number;
  /** SM2 decryption; the fault suite's many runs pair a cheap stand-in with the adapter's `encrypt` (SM2 itself is tested apart). */
  decrypt?: (cipherHex: string, privateKeyHex: string) => string;
}

export interface ShandongMock {
  url: string;
  publicKeyHex: string;
  services: Array<{ id: string; record: Record<string, string> }>;
  /** Every rating the province holds, in the order it stored them. */
  records: Array<{ unid: string; record: Record<string, string> }>;
  counts: FaultCounts & { calls: number; duplicates: number; refused: number; badSign: number };
  close(): Promise<void>;
}

const KNOWN_TAGS = new Set(RATING_TAGS.map((t) => t.code));
const BodySchema = z.object({
  txnBodyCom: z.object({ sign: z.string(), time: z.string().regex(/^\d{14}$/), appMark: z.string(), params: z.object({ evaluate: z.array(z.string()).length(1) }) }),
  txnCommCom: z.object({}).passthrough(),
});
const RecordListSchema = z.array(z.record(z.string(), z.string())).length(1);

/** yyyyMMddHHmmss (Beijing) → ms. */
const timeMs = (t: string) => Date.parse(`${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12, 14)}+08:00`);

export async function startShandongMock(options: ShandongMockOptions, port = 0): Promise<ShandongMock> {
  const now = options.now ?? Date.now;
  const keys = options.privateKeyHex && options.publicKeyHex ? { privateKeyHex: options.privateKeyHex, publicKeyHex: options.publicKeyHex } : sm2KeyPair();
  const faults = faultDraw(options);
  const decrypt = options.decrypt ?? sm2Decrypt;
  const services: ShandongMock['services'] = [];
  const records: ShandongMock['records'] = [];
  const serviceBy = new Map<string, { id: string; record: Record<string, string> }>();
  const ratingBy = new Map<string, string>();
  const counts = Object.assign(faults.counts, { calls: 0, duplicates: 0, refused: 0, badSign: 0 });
  // A sign is sent again for every call of its second: decrypted once (SM2 costs milliseconds).
  const signs = new Map<string, string>();
  const signText = (cipher: string) => {
    let text = signs.get(cipher);
    if (text === undefined) {
      text = decrypt(cipher, keys.privateKeyHex);
      if (signs.size > 1000) signs.clear();
      signs.set(cipher, text);
    }
    return text;
  };

  const server = await listen(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://mock');
    const kind = url.pathname.endsWith('/addEvaluateService') ? 'service' : url.pathname.endsWith('/addEvaluate') ? 'rating' : null;
    if (request.method !== 'POST' || kind === null) return void response.writeHead(404).end();
    counts.calls++;
    const text = await readBody(request);
    const answer = (code: string, desc: string, evaluateId?: string) =>
      response
        .writeHead(200, { 'content-type': 'application/json;charset=UTF-8' })
        .end(JSON.stringify({ 'C-Response-Code': code, 'C-Response-Desc': desc, ...(evaluateId ? { 'C-Response-Body': JSON.stringify({ evaluateId }) } : {}) }));
    const refuse = (desc: string) => {
      counts.refused++;
      answer('E0400', desc);
    };
    if (faults.failsBefore(response)) return;
    if (request.headers['c-tenancy-id'] !== options.tenancyId) return refuse('C-Tenancy-Id 不正确');
    let parsed: z.infer<typeof BodySchema>;
    try {
      parsed = BodySchema.parse(JSON.parse(text));
    } catch {
      return refuse('参数结构不正确，请检查参数结构');
    }
    const body = parsed.txnBodyCom;
    if (body.appMark !== options.appMark || signText(body.sign) !== `${body.time}${options.appMark}${options.appWord}` || Math.abs(now() - timeMs(body.time)) > 5 * 60_000) {
      counts.badSign++;
      return answer('E0401', '签名错误');
    }
    let record: Record<string, string>;
    try {
      record = RecordListSchema.parse(JSON.parse(decrypt(body.params.evaluate[0]!, keys.privateKeyHex)))[0]!;
    } catch {
      return refuse('evaluate 解密失败');
    }
    const key = `${record.projectNo}|${record.serviceNumber}`;
    if (kind === 'service') {
      for (const field of ['taskCode', 'projectNo', 'proStatus', 'serviceNumber', 'serviceTime', 'areaCode', 'proChannel']) if (!record[field]) return refuse(`${field} 不能为空`);
      if (!/^\d{12}$/.test(record.areaCode!)) return refuse(`areaCode 须为12位: ${record.areaCode}`);
      if (!PROVINCIAL_TIME.test(record.serviceTime!)) return refuse('serviceTime 格式错误');
      const held = serviceBy.get(key);
      if (held) {
        counts.duplicates++;
        return answer('E0300', '已存在该条服务信息，请勿重复提交', held.id);
      }
      const stored = { id: faults.newId('SV'), record };
      serviceBy.set(key, stored);
      services.push(stored);
      return faults.answerCommitted(request, () => answer('000000000000', 'success', stored.id));
    }
    const service = serviceBy.get(key);
    if (!service) return refuse('没有对应的服务数据');
    const broken = ratingRuleBreak(
      { ...record, serviceTime: service.record.serviceTime },
      { level: 'satisfaction', time: 'assessTime', caseTimes: ['serviceTime', 'acceptDate'], knownTag: (code, level) => KNOWN_TAGS.has(code) && isTagOfLevel(code, level) },
    );
    if (broken) return refuse(broken);
    const held = ratingBy.get(key);
    if (held) {
      counts.duplicates++;
      return answer('E0300', '本次服务已存在评价，请勿重复评价！', held);
    }
    const unid = faults.newId('SD');
    ratingBy.set(key, unid);
    records.push({ unid, record });
    faults.answerCommitted(request, () => answer('000000000000', 'success', unid));
  }, port);
  return { url: server.url, publicKeyHex: keys.publicKeyHex, services, records, counts, close: server.close };
}
