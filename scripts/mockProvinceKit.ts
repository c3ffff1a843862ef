import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from './seededRandom';

/**
 * What the Shandong and Zhejiang mock provinces share (scripts/shandongMock.ts,
 * scripts/zhejiangMock.ts): a seeded fault draw, the body read, a listening server, and the two
 * network faults of a real province: an HTTP 500 before anything is stored, and a reply that comes
 * too late (or never) after the record was committed.
 */
export interface MockFaults {
  /** Share of record calls answered HTTP 500 before anything is stored. */
  errorRate?: number;
  /** Share of record calls stored and then answered after `slowReplyMs` (a client with a shorter timeout gives up). */
  timeoutRate?: number;
  slowReplyMs?: number;
  /** Share of record calls stored and then left without an answer (the socket is cut). */
  lostReplyRate?: number;
  seed?: number;
}

export interface FaultCounts {
  errors: number;
  lostReplies: number;
  timeouts: number;
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The fault decisions of one mock, from its seed. */
export function faultDraw(faults: MockFaults) {
  const random = seededRandom(faults.seed ?? 1);
  const counts: FaultCounts = { errors: 0, lostReplies: 0, timeouts: 0 };
  let serial = 0;
  return {
    random,
    counts,
    /** A fresh id with the mock's prefix. */
    newId: (prefix: string) => `${prefix}${(++serial).toString(36).padStart(6, '0')}${Math.floor(random() * 1e9).toString(36)}`,
    /** True (and the 500 sent) when this call fails before anything is stored. */
    failsBefore(response: ServerResponse): boolean {
      if (random() >= (faults.errorRate ?? 0)) return false;
      counts.errors++;
      response.writeHead(500, { 'content-type': 'text/html' }).end('<html><body>500 Internal Server Error</body></html>');
      return true;
    },
    /** Answers a committed record: at once, late, or never, as drawn. */
    answerCommitted(request: IncomingMessage, answer: () => void): void {
      const draw = random();
      if (draw < (faults.lostReplyRate ?? 0)) {
        counts.lostReplies++;
        request.socket.destroy();
        return;
      }
      if (draw < (faults.lostReplyRate ?? 0) + (faults.timeoutRate ?? 0)) {
        counts.timeouts++;
        setTimeout(() => {
          if (!request.socket.destroyed) answer();
        }, faults.slowReplyMs ?? 2_000).unref();
        return;
      }
      answer();
    },
  };
}

/** Serves `handle` on 127.0.0.1 (`port` 0: any free port). */
export async function listen(handle: (request: IncomingMessage, response: ServerResponse) => Promise<unknown>, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** "yyyy-MM-dd HH:mm:ss". */
export const PROVINCIAL_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/**
 * The rules every province enforces on a rating record, as our mocks model them: required fields,
 * times as "yyyy-MM-dd HH:mm:ss", a rating not timed before its case, known codes, and a 差评 with a
 * reason code or text. Null when the record passes.
 */
export function ratingRuleBreak(c: Record<string, string | undefined>, fields: { level: string; time: string; caseTimes: string[]; knownTag(code: string, level: 1 | 2 | 3 | 4 | 5): boolean }): string | null {
  for (const field of ['projectNo', 'taskCode', 'proStatus', 'pf', fields.time]) if (!c[field]) return `${field} 不能为空`;
  const time = c[fields.time]!;
  if (!PROVINCIAL_TIME.test(time)) return `${fields.time} 格式错误`;
  for (const field of fields.caseTimes) if (c[field] && time < c[field]!) return `评价时间早于办件时间(${field})`;
  if (!['1', '2', '3'].includes(c.proStatus!)) return `proStatus 代码不存在: ${c.proStatus}`;
  if (!['1', '2', '3', '4', '5', '6', '7'].includes(c.pf!)) return `pf 代码不存在: ${c.pf}`;
  const value = c[fields.level];
  if (value === undefined) return `${fields.level} 不能为空`;
  if (!['1', '2', '3', '4', '5'].includes(value)) return `${fields.level} 代码不存在: ${value}`;
  const level = Number(value) as 1 | 2 | 3 | 4 | 5;
  const codes = (c.evalDetail ?? '').split(',').filter((code) => code !== '');
  for (const code of codes) if (!fields.knownTag(code, level)) return `评价代码不存在: ${code}`;
  if (level <= 2 && codes.length === 0 && !c.writingEvaluation) return '差评须填写原因';
  return null;
}
