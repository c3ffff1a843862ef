import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does to one request on its way to the intake and back. */
export type Fault =
  | { kind: 'pass' }
  /** Answer with this status without forwarding (the intake never sees the batch). */
  | { kind: 'status'; status: number }
  | { kind: 'tooManyRequests'; retryAfterSec: number }
  /** Hold the request this long before forwarding: longer than the client's timeout = a timeout. */
  | { kind: 'delay'; ms: number }
  /** Cut the connection before the intake sees the request. */
  | { kind: 'resetBeforeForward' }
  /** Forward, let the intake commit, then cut the connection: the client never hears the answer. */
  | { kind: 'resetAfterForward' }
  /** Forward, then send the headers and only half of the body before cutting the connection. */
  | { kind: 'truncate' };

export type FaultPlan = (request: { index: number; method: string; path: string }) => Fault;

export interface FaultProxy {
  origin: string;
  /** Refuse every connection (the intake is "down") until set back. */
  setDown(down: boolean): void;
  setPlan(plan: FaultPlan): void;
  /** How often each fault kind was applied. */
  applied(): Record<string, number>;
  close(): Promise<void>;
}

/**
 * An HTTP proxy on loopback that injects the faults a provincial intake link really shows:
 * 5xx, 429 + Retry-After, timeouts, resets before and after the server committed, truncated
 * answers, and long outages. Deterministic for a given plan.
 */
export async function startFaultProxy(targetOrigin: string, initialPlan: FaultPlan = () => ({ kind: 'pass' })): Promise<FaultProxy> {
  const target = new URL(targetOrigin);
  let plan = initialPlan;
  let down = false;
  let index = 0;
  const counts: Record<string, number> = {};

  function forward(req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const fault: Fault = down
        ? { kind: 'resetBeforeForward' }
        : req.method === 'POST'
          ? plan({ index: index++, method: req.method, path: req.url ?? '/' })
          : { kind: 'pass' };
      counts[down ? 'down' : fault.kind] = (counts[down ? 'down' : fault.kind] ?? 0) + 1;
      try {
        switch (fault.kind) {
          case 'status':
            res.writeHead(fault.status, { 'content-type': 'application/json' }).end('{"error":{"code":"injected","message":"injected fault"}}');
            return;
          case 'tooManyRequests':
            res.writeHead(429, { 'retry-after': String(fault.retryAfterSec), 'content-type': 'application/json' }).end('{"error":{"code":"overloaded","message":"injected"}}');
            return;
          case 'resetBeforeForward':
            req.socket.destroy();
            return;
          case 'delay':
            await new Promise((r) => setTimeout(r, fault.ms));
            if (req.socket.destroyed) return;
            break;
        }
        const answer = await forward(req, body);
        if (fault.kind === 'resetAfterForward') {
          req.socket.destroy();
          return;
        }
        const headers = { ...answer.headers };
        delete headers['transfer-encoding'];
        if (fault.kind === 'truncate') {
          res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) });
          res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)));
          setTimeout(() => req.socket.destroy(), 5);
          return;
        }
        res.writeHead(answer.status, headers).end(answer.body);
      } catch {
        req.socket.destroy();
      }
    });
  });
  server.on('connection', (socket) => {
    if (down) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    setDown: (value) => {
      down = value;
    },
    setPlan: (next) => {
      plan = next;
    },
    applied: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve) => {
        // Stop accepting first: a connection accepted after the sweep would hold close() open.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A seeded plan: each POST draws a fault with these weights. */
export function randomFaultPlan(random: () => number, weights: Partial<Record<Fault['kind'], number>>, timeoutMs: number): FaultPlan {
  const entries = Object.entries(weights) as [Fault['kind'], number][];
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  return () => {
    let pick = random() * total;
    for (const [kind, weight] of entries) {
      pick -= weight;
      if (pick < 0) return makeFault(kind, random, timeoutMs);
    }
    return { kind: 'pass' };
  };
}

function makeFault(kind: Fault['kind'], random: () => number, timeoutMs: number): Fault {
  switch (kind) {
    case 'status':
      return { kind, status: random() < 0.5 ? 500 : 503 };
    case 'tooManyRequests':
      return { kind, retryAfterSec: random() < 0.5 ? 0 : 1 };
    case 'delay':
      return { kind, ms: timeoutMs * 2 };
    default:
      return { kind } as Fault;
  }
}
