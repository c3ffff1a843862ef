import { afterEach, describe, expect, it } from 'vitest';
import { sampleRating } from '../../testing/sampleRating';
import { startZhejiangMock, type ZhejiangMock } from '../../../scripts/zhejiangMock';
import { createZhejiangAdapter, readZhejiangReply, zhejiangForm } from './zhejiangForm';

const LOGIN = { loginName: 'hall-1', loginPwd: 'pw-1' };
const rating = sampleRating({
  level: 1,
  tags: ['115'],
  comment: '态度 差&慢',
  event: 'accepted',
  case: { projectNo: 'ZJ-P1', taskCode: 'T1', taskName: '事项', deptName: '部门', deptCode: '11330200MB0000000X', regionCode: '330201', userProp: 2, acceptDate: '2026-11-22 09:00:00' },
});

const mocks: ZhejiangMock[] = [];
afterEach(async () => {
  for (const mock of mocks.splice(0)) await mock.close();
});

describe('zhejiang-form request', () => {
  it('builds the report form byte for byte: satisfaction 1 is 非常不满意, 法人 is 2, Beijing time, dataSource 133', () => {
    expect(zhejiangForm(rating).toString()).toBe(
      'areaCode=330201&deptCode=11330200MB0000000X&taskCode=T1&taskName=%E4%BA%8B%E9%A1%B9&projectNo=ZJ-P1&proStatus=2&proDepart=%E9%83%A8%E9%97%A8' +
        '&proManager=%E5%BC%A0%E4%B8%89&pf=4&userProp=2&satisfaction=1&evalDetail=115&writingEvaluation=%E6%80%81%E5%BA%A6+%E5%B7%AE%26%E6%85%A2' +
        '&assessTime=2026-11-22+10%3A05%3A09&assessNumber=1&acceptDate=2026-11-22+09%3A00%3A00&dataSource=133',
    );
  });

  it('sends getauth then the form with the Bearer token', async () => {
    const sent: Array<{ url: string; headers: Record<string, string>; body: string }> = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      sent.push({ url, headers: init.headers as Record<string, string>, body: init.body as string });
      return new Response(url.endsWith('/getauth') ? '{"result":"200","token":"T-1","expiresIn":3600}' : '{"result":"200","resultmsg":"成功","evaluateId":"ZJ1"}');
    }) as typeof fetch;
    expect(await createZhejiangAdapter({ baseUrl: 'http://p', ...LOGIN, fetch: fakeFetch }).send(rating)).toEqual({ kind: 'ack', ackId: 'ZJ1' });
    expect(sent[0]).toEqual({ url: 'http://p/getauth', headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' }, body: 'Type=Bearer&LoginName=hall-1&LoginPwd=pw-1' });
    expect(sent[1]).toEqual({ url: 'http://p/report', headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', authorization: 'Bearer T-1' }, body: zhejiangForm(rating).toString() });
  });

  it('reads the answers: 200 with an id acknowledges; no id, not JSON, no result and a 5xx stay pending; 300 is the duplicate; other codes refuse', () => {
    expect(readZhejiangReply(200, '{"result":"200","evaluateId":"Z1"}')).toEqual({ kind: 'ack', ackId: 'Z1' });
    expect(readZhejiangReply(200, '{"result":"200","resultmsg":"成功"}')).toMatchObject({ kind: 'retry', error: expect.stringContaining('without an evaluateId') });
    expect(readZhejiangReply(200, '<html>gateway</html>')).toMatchObject({ kind: 'retry', error: expect.stringContaining('not a JSON answer') });
    expect(readZhejiangReply(200, '{"code":200}')).toMatchObject({ kind: 'retry', error: expect.stringContaining('without result') });
    expect(readZhejiangReply(502, '{"result":"200","evaluateId":"Z1"}')).toEqual({ kind: 'retry', error: 'HTTP 502' });
    expect(readZhejiangReply(200, '{"result":"300","evaluateId":"Z0"}')).toEqual({ kind: 'duplicate', ackId: 'Z0' });
    expect(readZhejiangReply(200, '{"result":"401"}')).toEqual({ kind: 'token' });
    expect(readZhejiangReply(200, '{"result":"417","resultmsg":"未知"}')).toEqual({ kind: 'refused', reason: '417 未知' });
  });
});

describe('the Zhejiang mock and the adapter against it', () => {
  it('stores with its own id, answers a second rating of the stage as duplicate, refuses by the rules, renews an expired token', async () => {
    let clock = Date.parse('2026-11-22T03:00:00Z');
    const mock = await startZhejiangMock({ ...LOGIN, now: () => clock, tokenTtlSec: 600 });
    mocks.push(mock);
    const adapter = createZhejiangAdapter({ baseUrl: mock.url, ...LOGIN, now: () => clock });
    const first = await adapter.send(rating);
    expect(first).toMatchObject({ kind: 'ack', ackId: expect.stringMatching(/^ZJ/) });
    expect(mock.records[0]!.record).toMatchObject({ satisfaction: '1', assessTime: '2026-11-22 10:05:09', writingEvaluation: '态度 差&慢', userProp: '2' });
    expect(await adapter.send({ ...rating, id: '019a0000-0000-7000-8000-000000000009' })).toEqual({ kind: 'duplicate', ackId: (first as { ackId: string }).ackId });
    const early = { ...rating, case: { ...rating.case, projectNo: 'ZJ-P2', acceptDate: '2026-11-22 11:00:00' } };
    expect(adapter.check(early)).toBe('assessTime 2026-11-22 10:05:09 is before acceptDate 2026-11-22 11:00:00');
    expect(await adapter.send(early)).toEqual({ kind: 'refused', reason: '400 评价时间早于办件时间(acceptDate)' });
    expect(await adapter.send({ ...rating, tags: [], comment: undefined, case: { ...rating.case, projectNo: 'ZJ-P3' } })).toEqual({ kind: 'refused', reason: '400 差评须填写原因' });
    expect(await adapter.send({ ...rating, tags: ['510'], case: { ...rating.case, projectNo: 'ZJ-P4' } })).toEqual({ kind: 'refused', reason: '400 评价代码不存在: 510' });
    expect(mock.records).toHaveLength(1);
    clock += 10 * 60_000;
    expect(await adapter.send({ ...rating, case: { ...rating.case, projectNo: 'ZJ-P5' } })).toMatchObject({ kind: 'ack' });
    mock.expireTokens();
    expect(await adapter.send({ ...rating, case: { ...rating.case, projectNo: 'ZJ-P6' } })).toMatchObject({ kind: 'ack' });
    expect(mock.counts).toMatchObject({ token: 3, expiredToken: 1 });
    const wrong = await createZhejiangAdapter({ baseUrl: mock.url, loginName: 'hall-1', loginPwd: 'not-the-pw', now: () => clock }).send(rating);
    expect(wrong).toEqual({ kind: 'retry', error: 'Error: getauth refused or unreadable (HTTP 200)' });
  });
});
