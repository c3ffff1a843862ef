import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { deviceContextFor, HallConfigSchema } from '../contract/hallConfig';
import { caseEventRoute } from './caseEventRoute';
import { startHost } from './hostServer';
import { InvitationQueue } from './invitationQueue';

const TOKEN = 'test-case-event-token-0001-at-least-32-chars';
const hall = HallConfigSchema.parse({
  hall: { code: 'h1', name: '测试大厅', regionCode: '340104' },
  windows: [{ no: 'A01', name: '一号窗口', ratingUrl: 'https://example.gov.cn/r?w=A01' }],
  devices: [{ id: 'dev-a01', windowNo: 'A01', kind: 'pad', caseEventToken: TOKEN }],
});
const caseEvent = (projectNo: string) => ({
  event: 'accepted',
  case: { projectNo, taskCode: 'T001', taskName: '居民身份证换领', deptName: '公安局' },
  staff: { loginName: 'li4', name: '李四' },
});
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

describe('a 202 from the host is a promise', () => {
  it('keeps the invitation in its data directory: after a restart it is pending and a resend is a duplicate', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'host-data-'));
    const logs: string[] = [];
    const first = await startHost({ hall, deviceId: 'dev-a01', port: 0, dataDir, log: (m) => logs.push(m) });
    const accepted = await first.app.inject({ method: 'POST', url: '/api/case-events', headers: { ...headers, host: new URL(first.origin).host }, payload: caseEvent('P-DURABLE') });
    expect(accepted.statusCode).toBe(202);
    const { invitationId } = accepted.json();
    await first.close();
    expect(readdirSync(dataDir)).toEqual(['invitations-dev-a01.jsonl']);

    const second = await startHost({ hall, deviceId: 'dev-a01', port: 0, dataDir, log: (m) => logs.push(m) });
    try {
      const own = { host: new URL(second.origin).host };
      expect((await second.app.inject({ method: 'GET', url: '/api/health', headers: own })).json().unacked).toBe(1);
      const resend = await second.app.inject({ method: 'POST', url: '/api/case-events', headers: { ...headers, ...own }, payload: caseEvent('P-DURABLE') });
      expect([resend.statusCode, resend.json()]).toEqual([200, { status: 'duplicate', invitationId }]);
      expect(logs).toContain('host: 1 invitation(s) from before the restart wait for the rating screen');
      expect(logs.join('\n')).not.toMatch(/李四|P-DURABLE/);
    } finally {
      await second.close();
    }
  });

  it('answers 503 not_recorded, and queues nothing, when the case event cannot be made durable', async () => {
    const context = deviceContextFor(hall, 'dev-a01');
    const queue = new InvitationQueue(undefined, undefined, {
      replay: () => [],
      append: () => {
        throw new Error('disk full');
      },
      compact: () => undefined,
      appendedSinceCompaction: () => 0,
      close: () => undefined,
    });
    const pushed: unknown[] = [];
    const app = Fastify();
    await app.register(caseEventRoute, { queue, context: () => context, caseEventToken: TOKEN, isOwnOrigin: () => true, onInvitation: (i) => pushed.push(i) });
    const res = await app.inject({ method: 'POST', url: '/api/case-events', headers, payload: caseEvent('P-FULL-DISK') });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json().error.code).toBe('not_recorded');
    expect(queue.pending()).toEqual([]);
    expect(pushed).toEqual([]);
    await app.close();
  });
});
