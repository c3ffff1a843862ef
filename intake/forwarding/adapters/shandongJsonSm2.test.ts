import { afterEach, describe, expect, it } from 'vitest';
import { sampleRating } from '../../testing/sampleRating';
import { startShandongMock, type ShandongMock } from '../../../scripts/shandongMock';
import { sm2Encrypt, sm2KeyPair } from '../gm';
import { createShandongAdapter, readShandongReply, shandongBody, shandongRatingRecord, shandongServiceRecord, shandongTime } from './shandongJsonSm2';

const APP = { tenancyId: '370000000000', appMark: 'hall-app', appWord: 'w0rd' };
const rating = sampleRating({
  comment: '等了"很久"',
  case: { projectNo: 'SD-P1', taskCode: 'T1', taskName: '事项', deptName: '部门', deptCode: '11370000MB0000000X', regionCode: '370102', userProp: 1, acceptDate: '2026-11-22 09:00:00', resultDate: '2026-11-22 09:30:00' },
});

const mocks: ShandongMock[] = [];
afterEach(async () => {
  for (const mock of mocks.splice(0)) await mock.close();
});

describe('shandong-json-sm2 request', () => {
  it('builds the service record and the rating byte for byte, times in Beijing time, areaCode of 12 digits', () => {
    expect(JSON.stringify(shandongServiceRecord(rating))).toBe(
      '{"taskCode":"T1","taskName":"事项","projectNo":"SD-P1","proStatus":"3","proDepart":"部门","serviceNumber":"2","serviceTime":"2026-11-22 09:30:00",' +
        '"areaCode":"370102000000","proChannel":"2","dataSource":"165","deptCode":"11370000MB0000000X","userProp":"1","acceptDate":"2026-11-22 09:00:00","resultDate":"2026-11-22 09:30:00"}',
    );
    expect(JSON.stringify(shandongRatingRecord(rating))).toBe(
      '{"projectNo":"SD-P1","pf":"4","taskCode":"T1","taskName":"事项","proStatus":"3","proDepart":"部门","serviceNumber":"2","evalDetail":"213",' +
        '"assessTime":"2026-11-22 10:05:09","assessNumber":"1","dataSource":"165","satisfaction":"2","writingEvaluation":"等了\\"很久\\"","deptCode":"11370000MB0000000X","userProp":"1","acceptDate":"2026-11-22 09:00:00"}',
    );
    expect(shandongServiceRecord({ ...rating, case: { ...rating.case, regionCode: undefined } })).toMatch(/^areaCode missing/);
  });

  it('wraps them in txnBodyCom with the SM2 sign of time+appMark+appWord and each record SM2-encrypted, C-Tenancy-Id in the header', async () => {
    const sent: Array<{ url: string; headers: Record<string, string>; body: string }> = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      sent.push({ url, headers: init.headers as Record<string, string>, body: init.body as string });
      return new Response(JSON.stringify({ 'C-Response-Code': '000000000000', 'C-Response-Desc': 'success', 'C-Response-Body': '{"evaluateId":"E1"}' }));
    }) as typeof fetch;
    // A visible stand-in for SM2 (which draws a random k): the bytes around it are what is checked.
    const adapter = createShandongAdapter({ baseUrl: 'http://p/', ...APP, publicKeyHex: 'PK', now: () => Date.parse('2026-11-22T02:06:00Z'), fetch: fakeFetch, encrypt: (text, key) => `sm2[${key}](${text})` });
    expect(await adapter.send(rating)).toEqual({ kind: 'ack', ackId: 'E1' });
    expect(shandongTime(Date.parse('2026-11-22T02:06:00Z'))).toBe('20261122100600');
    expect(sent.map((s) => s.url)).toEqual(['http://p/addEvaluateService', 'http://p/addEvaluate']);
    expect(sent[0]!.headers).toEqual({ 'content-type': 'application/json;charset=UTF-8', 'C-Tenancy-Id': '370000000000' });
    // The recorded example, as the province receives it.
    expect(sent[1]!.body).toBe(
      String.raw`{"txnBodyCom":{"sign":"sm2[PK](20261122100600hall-appw0rd)","time":"20261122100600","appMark":"hall-app","params":{"evaluate":["sm2[PK]([{\"projectNo\":\"SD-P1\",\"pf\":\"4\",\"taskCode\":\"T1\",\"taskName\":\"事项\",\"proStatus\":\"3\",\"proDepart\":\"部门\",\"serviceNumber\":\"2\",\"evalDetail\":\"213\",\"assessTime\":\"2026-11-22 10:05:09\",\"assessNumber\":\"1\",\"dataSource\":\"165\",\"satisfaction\":\"2\",\"writingEvaluation\":\"等了\\\"很久\\\"\",\"deptCode\":\"11370000MB0000000X\",\"userProp\":\"1\",\"acceptDate\":\"2026-11-22 09:00:00\"}])"]}},"txnCommCom":{}}`,
    );
  });

  it('reads the answers: success with an id acknowledges; no id, not JSON, no C-Response-Desc and a 5xx stay pending; E0300 is the duplicate; other codes refuse', () => {
    const json = (o: object) => JSON.stringify(o);
    expect(readShandongReply(200, json({ 'C-Response-Code': '000000000000', 'C-Response-Desc': 'success', 'C-Response-Body': '{"evaluateId":"E1"}' }))).toEqual({ kind: 'ack', ackId: 'E1' });
    expect(readShandongReply(200, json({ 'C-Response-Code': '000000000000', 'C-Response-Desc': 'success' }))).toMatchObject({ kind: 'retry', error: expect.stringContaining('without an evaluateId') });
    expect(readShandongReply(200, json({ 'C-Response-Desc': 'success', 'C-Response-Body': 'not json' }))).toMatchObject({ kind: 'retry' });
    expect(readShandongReply(200, '<html>gateway</html>')).toMatchObject({ kind: 'retry', error: expect.stringContaining('not a JSON answer') });
    expect(readShandongReply(200, json({ code: 200 }))).toMatchObject({ kind: 'retry', error: expect.stringContaining('without C-Response-Desc') });
    expect(readShandongReply(503, 'x')).toEqual({ kind: 'retry', error: 'HTTP 503' });
    expect(readShandongReply(200, json({ 'C-Response-Code': 'E0300', 'C-Response-Desc': '已评价', 'C-Response-Body': '{"evaluateId":"E0"}' }))).toEqual({ kind: 'duplicate', ackId: 'E0' });
    expect(readShandongReply(200, json({ 'C-Response-Code': 'E0401', 'C-Response-Desc': '签名错误' }))).toMatchObject({ kind: 'retry' });
    expect(readShandongReply(200, json({ 'C-Response-Code': 'E9999', 'C-Response-Desc': '评价代码不存在: 999' }))).toEqual({ kind: 'refused', reason: 'E9999 评价代码不存在: 999' });
  });
});

describe('the Shandong mock and the adapter against it', () => {
  it('takes the service record then the rating with its own id; a second rating of the service is the duplicate; the rules refuse', async () => {
    const clock = Date.parse('2026-11-22T03:00:00Z');
    const mock = await startShandongMock({ ...APP, now: () => clock });
    mocks.push(mock);
    const adapter = createShandongAdapter({ baseUrl: mock.url, ...APP, publicKeyHex: mock.publicKeyHex, now: () => clock });
    const first = await adapter.send(rating);
    expect(first).toMatchObject({ kind: 'ack', ackId: expect.stringMatching(/^SD/) });
    expect(mock.records).toHaveLength(1);
    expect(mock.records[0]!.record).toMatchObject({ projectNo: 'SD-P1', satisfaction: '2', assessTime: '2026-11-22 10:05:09', writingEvaluation: '等了"很久"' });
    expect(await adapter.send({ ...rating, id: '019a0000-0000-7000-8000-000000000009' })).toEqual({ kind: 'duplicate', ackId: (first as { ackId: string }).ackId });
    expect(mock.services).toHaveLength(1);
    // Before its case (09:30 closed, rated 09:10): the adapter says so first; the mock refuses it too.
    const early = { ...rating, ratedAt: '2026-11-22T09:10:00.000+08:00', case: { ...rating.case, projectNo: 'SD-P2' } };
    expect(adapter.check(early)).toBe('assessTime 2026-11-22 09:10:00 is before resultDate 2026-11-22 09:30:00');
    expect(await adapter.send(early)).toEqual({ kind: 'refused', reason: 'E0400 评价时间早于办件时间(serviceTime)' });
    expect(await adapter.send({ ...rating, tags: [], comment: undefined, case: { ...rating.case, projectNo: 'SD-P3' } })).toEqual({ kind: 'refused', reason: 'E0400 差评须填写原因' });
    expect(await adapter.send({ ...rating, level: 5, tags: ['999'], case: { ...rating.case, projectNo: 'SD-P4' } })).toEqual({ kind: 'refused', reason: 'E0400 评价代码不存在: 999' });
    expect(mock.records).toHaveLength(1);
  });

  it('refuses a rating with no service record, a wrong appWord or stale time (pending, never a secret in the message), a wrong tenancy', async () => {
    const clock = Date.parse('2026-11-22T03:00:00Z');
    const mock = await startShandongMock({ ...APP, now: () => clock });
    mocks.push(mock);
    const time = shandongTime(clock);
    const direct = await fetch(`${mock.url}/addEvaluate`, {
      method: 'POST',
      headers: { 'C-Tenancy-Id': APP.tenancyId },
      body: shandongBody(sm2Encrypt(`${time}hall-appw0rd`, mock.publicKeyHex), time, 'hall-app', [sm2Encrypt(JSON.stringify([shandongRatingRecord(rating)]), mock.publicKeyHex)]),
    });
    expect(readShandongReply(direct.status, await direct.text())).toEqual({ kind: 'refused', reason: 'E0400 没有对应的服务数据' });
    const wrong = await createShandongAdapter({ baseUrl: mock.url, ...APP, appWord: 'not-the-word', publicKeyHex: mock.publicKeyHex, now: () => clock }).send(rating);
    expect(wrong).toEqual({ kind: 'retry', error: 'the province did not take the sign: 签名错误' });
    expect(JSON.stringify(wrong)).not.toContain('not-the-word');
    const stale = createShandongAdapter({ baseUrl: mock.url, ...APP, publicKeyHex: mock.publicKeyHex, now: () => clock - 10 * 60_000 });
    expect(await stale.send(rating)).toMatchObject({ kind: 'retry' });
    // Encrypted to another key: the province cannot read the sign.
    expect(await createShandongAdapter({ baseUrl: mock.url, ...APP, publicKeyHex: sm2KeyPair().publicKeyHex, now: () => clock }).send(rating)).toMatchObject({ kind: 'retry' });
    expect(await createShandongAdapter({ baseUrl: mock.url, ...APP, tenancyId: '350000000000', publicKeyHex: mock.publicKeyHex, now: () => clock }).send(rating)).toEqual({
      kind: 'refused',
      reason: 'service record: E0400 C-Tenancy-Id 不正确',
    });
    expect(mock.counts.badSign).toBe(3);
    // A sign that is no SM2 cipher text at all is the same refusal, not a crash of the province.
    const garbage = await fetch(`${mock.url}/addEvaluateService`, { method: 'POST', headers: { 'C-Tenancy-Id': APP.tenancyId }, body: shandongBody('00', time, 'hall-app', ['00']) });
    expect(readShandongReply(garbage.status, await garbage.text())).toMatchObject({ kind: 'retry', error: 'the province did not take the sign: 签名错误' });
  });
});
