import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isTagOfLevel, RATING_TAGS } from '../contract/ratingCodes';
import { seededRandom } from './seededRandom';
import { xmlElement, xmlEscape } from '../intake/forwarding/adapter';
import { md5Hex, sm4DecryptBase64Text } from '../intake/forwarding/gm';

/**
 * A mock Fujian provincial 好差评 interface (fujian-soap-sm4), behaving as the real one is
 * documented to: tokens that expire and refresh, a wrong sign refused, the SM4 body decrypted
 * with MD5(appSecret), a rating timed before its case refused, one rating per case and stage
 * (a second is answered as already evaluated, with the first one's id), a 差评 without a reason
 * refused, unknown codes refused, its own ids, and the faults of a real network: intermittent 5xx
 * and replies lost after the record was committed. Faults are drawn from a seeded generator, so a
 * run can be repeated.
 */
export interface FujianMockOptions {
  appKey: string;
  appSecret: string;
  tokenTtlSec?: number;
  refreshTtlSec?: number;
  /** Share of save calls answered HTTP 500 before anything is stored. */
  errorRate?: number;
  /** Share of save calls whose record is stored and whose reply is then lost (the socket is cut). */
  lostReplyRate?: number;
  seed?: number;
  now?: () => number;
}

export interface MockRecord {
  unid: string;
  case: Record<string, string>;
  /** Came through getEvaluationSupplement (补报). */
  late: boolean;
}

export interface FujianMock {
  url: string;
  /** Every record the province holds, in the order it stored them. */
  records: MockRecord[];
  /** Calls by kind, for tests and the benchmark. */
  counts: { token: number; refresh: number; save: number; supplement: number; errors: number; lostReplies: number; duplicates: number; refused: number; expiredToken: number };
  /** Ends every token now (as a province restart would). */
  expireTokens(): void;
  close(): Promise<void>;
}

const PROVINCIAL_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const KNOWN_TAGS = new Set(RATING_TAGS.map((t) => t.code));

function reply(code: number, msg: string, unid?: string): string {
  const inner = `<result><code>${code}</code><msg>${msg}</msg>${unid ? `<evaluateUnid>${unid}</evaluateUnid>` : ''}</result>`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
    `<ns2:getSaveEvaluationResponse xmlns:ns2="http://service.evaluation.gov/"><return>${xmlEscape(inner)}</return></ns2:getSaveEvaluationResponse>` +
    '</soap:Body></soap:Envelope>'
  );
}

/** The flat fields of `<Case>` (nested lists are kept as their XML). */
function caseFields(xml: string): Record<string, string> | null {
  const body = /^<Case>([\s\S]*)<\/Case>$/.exec(xml.trim());
  if (!body) return null;
  const fields: Record<string, string> = {};
  for (const match of body[1]!.matchAll(/<(\w+)>([\s\S]*?)<\/\1>/g)) fields[match[1]!] = xmlElement(match[0], match[1]!) ?? '';
  return fields;
}

/** Why the province refuses a record, or null. */
function ruleBreak(c: Record<string, string>): string | null {
  for (const field of ['projectNo', 'taskCode', 'proStatus', 'pf', 'evaluateTime']) if (!c[field]) return `${field} 不能为空`;
  if (!PROVINCIAL_TIME.test(c.evaluateTime!)) return 'evaluateTime 格式错误';
  for (const field of ['acceptDate', 'resultDate']) if (c[field] && c.evaluateTime! < c[field]!) return `评价时间早于办件时间(${field})`;
  if (!['1', '2', '3'].includes(c.proStatus!)) return `proStatus 代码不存在: ${c.proStatus}`;
  if (!['1', '2', '3', '4', '5', '6', '7'].includes(c.pf!)) return `pf 代码不存在: ${c.pf}`;
  if (c.alternate === undefined) return c.pf === '7' || c.pf === '5' ? null : 'alternate 不能为空';
  if (!['1', '2', '3', '4', '5'].includes(c.alternate)) return `alternate 代码不存在: ${c.alternate}`;
  const level = Number(c.alternate) as 1 | 2 | 3 | 4 | 5;
  const codes = (c.evalDetail ?? '').split(',').filter((code) => code !== '');
  for (const code of codes) if (!KNOWN_TAGS.has(code) || !isTagOfLevel(code, level)) return `评价代码不存在: ${code}`;
  if (level <= 2 && codes.length === 0 && !c.writingEvaluation) return '差评须填写原因';
  return null;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFujianMock(options: FujianMockOptions, port = 0): Promise<FujianMock> {
  const now = options.now ?? Date.now;
  const random = seededRandom(options.seed ?? 1);
  const key = md5Hex(options.appSecret);
  const tokens = new Map<string, number>();
  const refreshTokens = new Map<string, number>();
  const byStage = new Map<string, string>();
  const records: MockRecord[] = [];
  const counts = { token: 0, refresh: 0, save: 0, supplement: 0, errors: 0, lostReplies: 0, duplicates: 0, refused: 0, expiredToken: 0 };
  let serial = 0;
  const newId = (prefix: string) => `${prefix}${(++serial).toString(36).padStart(6, '0')}${Math.floor(random() * 1e9).toString(36)}`;

  const issue = () => {
    const access = newId('at-');
    const refresh = newId('rt-');
    tokens.set(access, now() + (options.tokenTtlSec ?? 7200) * 1000);
    refreshTokens.set(refresh, now() + (options.refreshTtlSec ?? 86_400) * 1000);
    return { code: 200, msg: 'success', data: { access_token: access, refresh_token: refresh, expires_in: options.tokenTtlSec ?? 7200, refresh_expires_in: options.refreshTtlSec ?? 86_400 } };
  };

  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://mock');
      const json = (body: unknown) => {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      if (request.method === 'GET' && url.pathname.endsWith('/get-token')) {
        counts.token++;
        const timestamp = Number(url.searchParams.get('timestamp'));
        if (url.searchParams.get('app_key') !== options.appKey) return json({ code: 403, msg: 'app_key 不存在' });
        if (!Number.isFinite(timestamp) || Math.abs(now() - timestamp) > 5 * 60_000) return json({ code: 403, msg: 'timestamp 已过期' });
        if (url.searchParams.get('sign') !== md5Hex(`${options.appSecret}${timestamp}`)) return json({ code: 403, msg: '签名错误' });
        return json(issue());
      }
      if (request.method === 'GET' && url.pathname.endsWith('/refresh-token')) {
        counts.refresh++;
        const refresh = url.searchParams.get('refresh_token') ?? '';
        const until = refreshTokens.get(refresh);
        if (url.searchParams.get('app_key') !== options.appKey || until === undefined || until <= now()) return json({ code: 403, msg: 'refresh_token 无效' });
        refreshTokens.delete(refresh);
        return json(issue());
      }
      if (request.method === 'POST' && url.pathname.endsWith('/services/evaluation')) {
        counts.save++;
        const body = await readBody(request);
        // getSaveEvaluation, or getEvaluationSupplement (补报) with the same arguments and rules.
        const late = /<(?:[\w-]+:)?getEvaluationSupplement[\s>]/.test(body);
        if (late) counts.supplement++;
        const soap = (code: number, msg: string, unid?: string) => response.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(reply(code, msg, unid));
        if (random() < (options.errorRate ?? 0)) {
          counts.errors++;
          return response.writeHead(500, { 'content-type': 'text/html' }).end('<html><body>500 Internal Server Error</body></html>');
        }
        const token = xmlElement(body, 'token') ?? '';
        const until = tokens.get(token);
        if (until === undefined) return soap(401, '令牌无效');
        if (until <= now()) {
          counts.expiredToken++;
          return soap(402, '令牌已过期');
        }
        if (xmlElement(body, 'appKey') !== options.appKey) return soap(403, 'appKey 不存在');
        let caseXml: string;
        try {
          caseXml = sm4DecryptBase64Text(xmlElement(body, 'xmlStr') ?? '', key);
        } catch {
          counts.refused++;
          return soap(400, 'xmlStr 解密失败');
        }
        const fields = caseFields(caseXml);
        if (!fields) {
          counts.refused++;
          return soap(400, 'xmlStr 不是 Case');
        }
        const broken = ruleBreak(fields);
        if (broken) {
          counts.refused++;
          return soap(400, broken);
        }
        // 一次一评: one rating per case and stage.
        const stage = `${fields.projectNo}|${fields.proStatus}`;
        const held = byStage.get(stage);
        if (held) {
          counts.duplicates++;
          return soap(300, '该办件该环节已评价', held);
        }
        const unid = newId('FJ');
        byStage.set(stage, unid);
        records.push({ unid, case: fields, late });
        if (random() < (options.lostReplyRate ?? 0)) {
          // Committed, and the answer never arrives.
          counts.lostReplies++;
          return request.socket.destroy();
        }
        return soap(200, '成功', unid);
      }
      response.writeHead(404).end();
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    records,
    counts,
    expireTokens() {
      for (const token of tokens.keys()) tokens.set(token, 0);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
