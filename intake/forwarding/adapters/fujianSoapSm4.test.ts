import { afterEach, describe, expect, it } from 'vitest';
import { sampleRating } from '../../testing/sampleRating';
import { md5Hex } from '../gm';
import { startFujianMock, type FujianMock } from '../../../scripts/fujianMock';
import { createFujianAdapter, fujianCaseXml, fujianEnvelope, fujianSign, readFujianReply } from './fujianSoapSm4';

const APP = { appKey: 'ak-1', appSecret: 's3cret' };
const rating = sampleRating();

const mocks: FujianMock[] = [];
afterEach(async () => {
  for (const mock of mocks.splice(0)) await mock.close();
});

describe('fujian-soap-sm4 request', () => {
  it('builds the <Case> record byte for byte, times in Beijing time whatever zone the device ran in', () => {
    expect(fujianCaseXml(rating)).toBe(
      '<Case><projectNo>FJ-P1</projectNo><taskCode>T1</taskCode><taskName>事项</taskName><proStatus>3</proStatus><deptName>部门</deptName>' +
        '<pf>5</pf><evalDetail>213</evalDetail><publicFlag>2</publicFlag><anonymityFlag>1</anonymityFlag><dataSource>350</dataSource>' +
        '<evaluateTime>2026-11-22 10:05:09</evaluateTime><evaluateState>rated</evaluateState><alternate>2</alternate>' +
        '<writingEvaluation>等&lt;太&gt;久 &amp; 反复</writingEvaluation><userProp>1</userProp><areaCode>350102</areaCode>' +
        '<acceptDate>2026-11-22 09:00:00</acceptDate><evaluatedPersonInfo><item><loginName>zs</loginName><name>张三</name></item></evaluatedPersonInfo></Case>',
    );
  });

  it('wraps it SM4-encrypted under MD5(appSecret) in the SOAP 1.1 getSaveEvaluation envelope with the token header', () => {
    expect(fujianEnvelope('tok-1', APP.appKey, 'QUJD')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ev="http://service.evaluation.gov/">' +
        '<soapenv:Header><ev:token>tok-1</ev:token></soapenv:Header><soapenv:Body><ev:getSaveEvaluation><appKey>ak-1</appKey><xmlStr>QUJD</xmlStr></ev:getSaveEvaluation></soapenv:Body></soapenv:Envelope>',
    );
    expect(fujianSign('s3cret', 1700000000000)).toBe(md5Hex('s3cret1700000000000'));
  });

  it('reads the answers: 200 with an id acknowledges; a missing id, a page that is not XML and a 5xx stay pending; 300 is the duplicate; other codes refuse', () => {
    const wrap = (inner: string) => `<soap:Envelope><soap:Body><ns2:r><return>${inner.replace(/</g, '&lt;').replace(/>/g, '&gt;')}</return></ns2:r></soap:Body></soap:Envelope>`;
    expect(readFujianReply(200, wrap('<result><code>200</code><evaluateUnid>U1</evaluateUnid></result>'))).toEqual({ kind: 'ack', ackId: 'U1' });
    expect(readFujianReply(200, wrap('<result><code>200</code><msg>成功</msg></result>'))).toMatchObject({ kind: 'retry', error: expect.stringContaining('without an evaluateUnid') });
    expect(readFujianReply(200, '<html>gateway</html>')).toMatchObject({ kind: 'retry' });
    expect(readFujianReply(200, '{"code":200}')).toMatchObject({ kind: 'retry' });
    expect(readFujianReply(502, wrap('<result><code>200</code><evaluateUnid>U1</evaluateUnid></result>'))).toEqual({ kind: 'retry', error: 'HTTP 502' });
    expect(readFujianReply(200, wrap('<result><code>300</code><evaluateUnid>U0</evaluateUnid></result>'))).toEqual({ kind: 'duplicate', ackId: 'U0' });
    expect(readFujianReply(200, wrap('<result><code>402</code></result>'))).toEqual({ kind: 'token' });
    expect(readFujianReply(200, wrap('<result><code>400</code><msg>评价代码不存在: 999</msg></result>'))).toEqual({ kind: 'refused', reason: '400 评价代码不存在: 999' });
  });
});

describe('the Fujian mock and the adapter against it', () => {
  it('refuses a wrong sign, a stale timestamp and an unknown app key when issuing tokens', async () => {
    const clock = 1_800_000_000_000;
    const mock = await startFujianMock({ ...APP, now: () => clock });
    mocks.push(mock);
    const token = async (query: string) => (await (await fetch(`${mock.url}/get-token?${query}`)).json()) as { code: number; msg: string };
    expect(await token(`app_key=ak-1&timestamp=${clock}&sign=${fujianSign('s3cret', clock)}`)).toMatchObject({ code: 200 });
    expect(await token(`app_key=ak-1&timestamp=${clock}&sign=${fujianSign('wrong', clock)}`)).toEqual({ code: 403, msg: '签名错误' });
    expect(await token(`app_key=ak-2&timestamp=${clock}&sign=${fujianSign('s3cret', clock)}`)).toMatchObject({ code: 403 });
    const old = clock - 10 * 60_000;
    expect(await token(`app_key=ak-1&timestamp=${old}&sign=${fujianSign('s3cret', old)}`)).toMatchObject({ code: 403, msg: 'timestamp 已过期' });
  });

  it('stores a record with its own id, answers a second one of the same case stage as a duplicate, refuses one before its case', async () => {
    let clock = Date.parse('2026-11-22T03:00:00Z');
    const mock = await startFujianMock({ ...APP, now: () => clock, tokenTtlSec: 600, refreshTtlSec: 3600 });
    mocks.push(mock);
    const adapter = createFujianAdapter({ baseUrl: mock.url, ...APP, now: () => clock });
    const first = await adapter.send(rating);
    expect(first).toMatchObject({ kind: 'ack', ackId: expect.stringMatching(/^FJ/) });
    expect(mock.records).toHaveLength(1);
    // The mock decrypted what it stored: the fields as sent.
    expect(mock.records[0]!.case).toMatchObject({ projectNo: 'FJ-P1', alternate: '2', evaluateTime: '2026-11-22 10:05:09', writingEvaluation: '等<太>久 & 反复' });
    expect(await adapter.send({ ...rating, id: '019a0000-0000-7000-8000-000000000009' })).toEqual({ kind: 'duplicate', ackId: (first as { ackId: string }).ackId });
    // The adapter checks the rule first; the mock enforces it too.
    const early = { ...rating, case: { ...rating.case, projectNo: 'FJ-P2', acceptDate: '2026-11-22 11:00:00' } };
    expect(adapter.check(early)).toBe('evaluateTime 2026-11-22 10:05:09 is before acceptDate 2026-11-22 11:00:00');
    expect(adapter.check(rating)).toBeNull();
    expect(await adapter.send(early)).toEqual({ kind: 'refused', reason: '400 评价时间早于办件时间(acceptDate)' });
    expect(await adapter.send({ ...rating, tags: [], comment: undefined, case: { ...rating.case, projectNo: 'FJ-P3' } })).toEqual({ kind: 'refused', reason: '400 差评须填写原因' });
    expect(mock.records).toHaveLength(1);
    expect(mock.counts.token).toBe(1);

    // Past the token's life the adapter refreshes it; a token the province forgot is replaced at once.
    clock += 10 * 60_000;
    expect(await adapter.send({ ...rating, case: { ...rating.case, projectNo: 'FJ-P4' } })).toMatchObject({ kind: 'ack' });
    expect(mock.counts).toMatchObject({ token: 1, refresh: 1 });
    mock.expireTokens();
    expect(await adapter.send({ ...rating, case: { ...rating.case, projectNo: 'FJ-P5' } })).toMatchObject({ kind: 'ack' });
    expect(mock.counts).toMatchObject({ expiredToken: 1, token: 2 });
    // A wrong secret never gets a token: the record stays pending, and the message names no secret.
    const wrong = await createFujianAdapter({ baseUrl: mock.url, appKey: 'ak-1', appSecret: 'not-the-secret', now: () => clock }).send({ ...rating, case: { ...rating.case, projectNo: 'FJ-P6' } });
    expect(wrong).toEqual({ kind: 'retry', error: 'Error: token refused: 403 签名错误' });
    expect(JSON.stringify(wrong)).not.toContain('not-the-secret');
  });
});
