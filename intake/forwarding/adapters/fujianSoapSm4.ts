import type { RatingRecord } from '../../ingest/ratingRecord';
import { BEIJING_ZONE_MINUTES, FUJIAN_PROFILE, ratedBeforeCase, toProvincial } from '../../export/provinceProfiles';
import { xmlElement, xmlRecord, type ProvinceAdapter, type SendResult } from '../adapter';
import { md5Hex, sm4EncryptTextBase64 } from '../gm';

/**
 * The Fujian style (issue 22, design §8): a token from
 * `GET …/get-token?app_key=&timestamp=<ms>&sign=md5(appSecret+timestamp)` (access and refresh
 * token with their expiries), then SOAP 1.1 `getSaveEvaluation(appKey, xmlStr)` with the token in
 * the SOAP header, `xmlStr` the `<Case>` record SM4-encrypted (ECB, PKCS#7) with key
 * MD5(appSecret), base64; one record per call; the reply's `<code>200</code>` carries the
 * province's id `evaluateUnid`; `getEvaluationSupplement`, with the same arguments, for late uploads (补报).
 *
 * Answer codes beyond 200 follow the mock (scripts/fujianMock.ts), our model of the
 * province: 300 already evaluated (this case stage has a rating: its evaluateUnid is the
 * acknowledgement), 401/402 token unknown/expired (fetch a new one and send again), any other
 * code is the province refusing the record with its message.
 */
export interface FujianConfig {
  /** e.g. https://…/evaluation; get-token, refresh-token and the SOAP service live under it. */
  baseUrl: string;
  appKey: string;
  appSecret: string;
  /** The SOAP body's namespace; deployments name their own. */
  namespace?: string;
  timeoutMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

export const FUJIAN_STYLE = 'fujian-soap-sm4';
const DEFAULT_NAMESPACE = 'http://service.evaluation.gov/';

interface Token {
  access: string;
  accessUntil: number;
  refresh: string | null;
  refreshUntil: number;
}

/** The `<Case>` body, field by field as FUJIAN_PROFILE maps it, times in Beijing time. */
export function fujianCaseXml(rating: RatingRecord): string {
  const record = toProvincial(rating, FUJIAN_PROFILE, BEIJING_ZONE_MINUTES);
  const { evaluatedPersonInfo, ...flat } = record;
  return xmlRecord('Case', { ...(flat as Record<string, string>), evaluatedPersonInfo: evaluatedPersonInfo as Array<Record<string, string>> });
}

/** The Fujian calls that take a record: the rating as it happens, and 补报 (a late upload, issue 22). */
export type FujianMethod = 'getSaveEvaluation' | 'getEvaluationSupplement';

/** The SOAP 1.1 envelope of getSaveEvaluation (or getEvaluationSupplement, which takes the same arguments). */
export function fujianEnvelope(token: string, appKey: string, xmlStr: string, namespace = DEFAULT_NAMESPACE, method: FujianMethod = 'getSaveEvaluation'): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ev="${namespace}">` +
    `<soapenv:Header><ev:token>${token}</ev:token></soapenv:Header>` +
    `<soapenv:Body><ev:${method}><appKey>${appKey}</appKey><xmlStr>${xmlStr}</xmlStr></ev:${method}></soapenv:Body>` +
    '</soapenv:Envelope>'
  );
}

export function fujianSign(appSecret: string, timestamp: number): string {
  return md5Hex(`${appSecret}${timestamp}`);
}

/** Reads the province's answer to getSaveEvaluation: the `<return>` text is itself XML. */
export function readFujianReply(status: number, body: string): SendResult | { kind: 'token' } {
  if (status >= 500) return { kind: 'retry', error: `HTTP ${status}` };
  const inner = xmlElement(body, 'return');
  const code = inner === undefined ? undefined : xmlElement(inner, 'code');
  if (inner === undefined || code === undefined) return { kind: 'retry', error: `not a getSaveEvaluation reply (HTTP ${status}): ${body.slice(0, 80)}` };
  const message = xmlElement(inner, 'msg') ?? '';
  const unid = xmlElement(inner, 'evaluateUnid')?.trim() || null;
  if (code === '200') return unid ? { kind: 'ack', ackId: unid } : { kind: 'retry', error: 'code 200 without an evaluateUnid: not an acknowledgement' };
  if (code === '300') return { kind: 'duplicate', ackId: unid };
  if (code === '401' || code === '402') return { kind: 'token' };
  return { kind: 'refused', reason: `${code} ${message}`.trim() };
}

export function createFujianAdapter(config: FujianConfig): ProvinceAdapter {
  const now = config.now ?? Date.now;
  const doFetch = config.fetch ?? fetch;
  const timeoutMs = config.timeoutMs ?? 15_000;
  const key = md5Hex(config.appSecret);
  let token: Token | null = null;

  async function getJson(url: string): Promise<Token> {
    const response = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let body: { code?: unknown; msg?: unknown; data?: { access_token?: unknown; refresh_token?: unknown; expires_in?: unknown; refresh_expires_in?: unknown } };
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`token reply is not JSON (HTTP ${response.status})`);
    }
    const data = body.data;
    if (body.code !== 200 || !data || typeof data.access_token !== 'string' || typeof data.expires_in !== 'number') throw new Error(`token refused: ${String(body.code)} ${String(body.msg ?? '')}`);
    const at = now();
    return {
      access: data.access_token,
      // A minute early: never send with a token about to lapse in flight.
      accessUntil: at + data.expires_in * 1000 - 60_000,
      refresh: typeof data.refresh_token === 'string' ? data.refresh_token : null,
      refreshUntil: at + (typeof data.refresh_expires_in === 'number' ? data.refresh_expires_in * 1000 : 0) - 60_000,
    };
  }

  async function currentToken(): Promise<string> {
    const at = now();
    if (token && token.accessUntil > at) return token.access;
    const base = config.baseUrl.replace(/\/$/, '');
    if (token?.refresh && token.refreshUntil > at) {
      try {
        token = await getJson(`${base}/refresh-token?app_key=${encodeURIComponent(config.appKey)}&refresh_token=${encodeURIComponent(token.refresh)}`);
        return token.access;
      } catch {
        // A refused refresh falls back to a new token.
      }
    }
    const timestamp = at;
    token = await getJson(`${base}/get-token?app_key=${encodeURIComponent(config.appKey)}&timestamp=${timestamp}&sign=${fujianSign(config.appSecret, timestamp)}`);
    return token.access;
  }

  async function saveOnce(rating: RatingRecord, method: FujianMethod): Promise<SendResult | { kind: 'token' }> {
    const access = await currentToken();
    const envelope = fujianEnvelope(access, config.appKey, sm4EncryptTextBase64(fujianCaseXml(rating), key), config.namespace, method);
    const response = await doFetch(`${config.baseUrl.replace(/\/$/, '')}/services/evaluation`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${method}"` },
      body: envelope,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const answer = readFujianReply(response.status, await response.text());
    if (answer.kind === 'retry' && response.status === 503) {
      const after = Number(response.headers.get('retry-after'));
      if (Number.isFinite(after) && after > 0) return { ...answer, retryAfterMs: after * 1000 };
    }
    return answer;
  }

  return {
    style: FUJIAN_STYLE,
    // No code in this interface's table marks a system default rating (pf 7 is SMS nationally [design §3]).
    takesDefaultRating: false,
    check(rating) {
      return ratedBeforeCase(toProvincial(rating, FUJIAN_PROFILE, BEIJING_ZONE_MINUTES));
    },
    async send(rating, options = {}) {
      // 补报: a record queued by a late-upload run goes through getEvaluationSupplement.
      const method: FujianMethod = options.late ? 'getEvaluationSupplement' : 'getSaveEvaluation';
      try {
        let answer = await saveOnce(rating, method);
        if (answer.kind === 'token') {
          // The province no longer knows the token (expired early, or it restarted): one more try with a new one.
          token = null;
          answer = await saveOnce(rating, method);
        }
        return answer.kind === 'token' ? { kind: 'retry', error: 'the province refused a fresh token' } : answer;
      } catch (error) {
        // Never the secret: the message of a network error or a refused token names neither key nor secret.
        return { kind: 'retry', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
      }
    },
  };
}
