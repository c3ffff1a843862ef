import { isTagOfLevel, RATING_TAGS } from '../contract/ratingCodes';
import { faultDraw, listen, ratingRuleBreak, readBody, type FaultCounts, type MockFaults } from './mockProvinceKit';

/**
 * A mock Zhejiang provincial 好差评 interface (zhejiang-form, see
 * intake/forwarding/adapters/zhejiangForm.ts for the public sources): `getauth` (form: Type,
 * LoginName, LoginPwd) gives a Bearer token that expires; `report` takes the rating as a form; a
 * wrong login or token is refused; a rating timed before its case is refused; one rating per case
 * stage and assessNumber (a second answered 300 with the first one's id); unknown codes, a 差评
 * without a reason and a dataSource other than 133 refused; its own ids; intermittent 5xx, late
 * and lost replies after commit.
 */
export interface ZhejiangMockOptions extends MockFaults {
  loginName: string;
  loginPwd: string;
  tokenTtlSec?: number;
  now?: () => number;
}

export interface ZhejiangMock {
  url: string;
  records: Array<{ unid: string; record: Record<string, string> }>;
  counts: FaultCounts & { token: number; calls: number; duplicates: number; refused: number; expiredToken: number };
  /** Ends every token now (as a province restart would). */
  expireTokens(): void;
  close(): Promise<void>;
}

const KNOWN_TAGS = new Set(RATING_TAGS.map((t) => t.code));

export async function startZhejiangMock(options: ZhejiangMockOptions, port = 0): Promise<ZhejiangMock> {
  const now = options.now ?? Date.now;
  const faults = faultDraw(options);
  const tokens = new Map<string, number>();
  const byStage = new Map<string, string>();
  const records: ZhejiangMock['records'] = [];
  const counts = Object.assign(faults.counts, { token: 0, calls: 0, duplicates: 0, refused: 0, expiredToken: 0 });

  const server = await listen(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://mock');
    const json = (body: object) => response.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' }).end(JSON.stringify(body));
    if (request.method !== 'POST') return response.writeHead(405).end();
    const form = Object.fromEntries(new URLSearchParams(await readBody(request)));
    if (url.pathname.endsWith('/getauth')) {
      counts.token++;
      if (form.Type !== 'Bearer' || form.LoginName !== options.loginName || form.LoginPwd !== options.loginPwd) return json({ result: '403', resultmsg: '用户名或密码错误' });
      const token = faults.newId('zt-');
      const ttl = options.tokenTtlSec ?? 7200;
      tokens.set(token, now() + ttl * 1000);
      return json({ result: '200', resultmsg: '成功', token, expiresIn: ttl });
    }
    if (!url.pathname.endsWith('/report')) return response.writeHead(404).end();
    counts.calls++;
    if (faults.failsBefore(response)) return;
    const until = tokens.get(/^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '');
    if (until === undefined) return json({ result: '401', resultmsg: '令牌无效' });
    if (until <= now()) {
      counts.expiredToken++;
      return json({ result: '401', resultmsg: '令牌已过期' });
    }
    const refuse = (resultmsg: string) => {
      counts.refused++;
      json({ result: '400', resultmsg });
    };
    if (form.dataSource !== '133') return refuse(`dataSource 须为133: ${form.dataSource}`);
    if (!['1', '2'].includes(form.assessNumber ?? '')) return refuse(`assessNumber 代码不存在: ${form.assessNumber}`);
    const broken = ratingRuleBreak(form, { level: 'satisfaction', time: 'assessTime', caseTimes: ['acceptDate'], knownTag: (code, level) => KNOWN_TAGS.has(code) && isTagOfLevel(code, level) });
    if (broken) return refuse(broken);
    const stage = `${form.projectNo}|${form.proStatus}|${form.assessNumber}`;
    const held = byStage.get(stage);
    if (held) {
      counts.duplicates++;
      return json({ result: '300', resultmsg: '该办件已评价', evaluateId: held });
    }
    const unid = faults.newId('ZJ');
    byStage.set(stage, unid);
    records.push({ unid, record: form });
    faults.answerCommitted(request, () => json({ result: '200', resultmsg: '成功', evaluateId: unid }));
  }, port);
  return {
    url: server.url,
    records,
    counts,
    expireTokens() {
      for (const token of tokens.keys()) tokens.set(token, 0);
    },
    close: server.close,
  };
}
