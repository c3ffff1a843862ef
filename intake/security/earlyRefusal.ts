import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * Addresses the per-address limit of a route has already refused, answered again before Fastify
 * sees the request, until their window ends.
 *
 * Why: a burst of a few hundred guesses from one address (issue 18) was answered 429 one by one
 * through every hook (security headers, metrics, the error handler), about 1.5 ms each on a small
 * machine, and /v1/health waited behind the whole burst. Answered here, a refused attempt costs
 * little more than the write of a fixed answer. Only addresses the limiter itself refused are
 * answered here, and only until its own reset time, so nothing is refused that it would let
 * through. Each node keeps its own list; the limiter (in the database, with several nodes) stays
 * the authority.
 */
export interface EarlyRefusal {
  /** The limiter refused `address` on `route`; its window resets in `ttlMs`. */
  remember(route: string, address: string, ttlMs: number): void;
  /** Answers a request from a remembered address to a remembered route and returns true; false leaves it to Fastify. */
  refused(request: IncomingMessage, response: ServerResponse): boolean;
  /** How many requests were answered here (the metrics read it). */
  count(): number;
}

/** At most this many addresses are remembered: an attacker with many addresses meets the limiter instead. */
const MAX_REMEMBERED = 10_000;

/** The headers every JSON answer of the intake carries (the same as helmet's for the API; checked by its test). */
export const REFUSAL_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json; charset=utf-8',
  'content-security-policy': "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

export function createEarlyRefusal(now: () => number): EarlyRefusal {
  // route → address → when its window ends (ms)
  const until = new Map<string, Map<string, number>>();
  let answered = 0;

  const forget = (addresses: Map<string, number>) => {
    const at = now();
    for (const [address, end] of addresses) if (end <= at) addresses.delete(address);
    // Still full of live windows: the oldest entries go (Map keeps insertion order).
    for (const address of addresses.keys()) {
      if (addresses.size < MAX_REMEMBERED) break;
      addresses.delete(address);
    }
  };

  return {
    remember(route, address, ttlMs) {
      let addresses = until.get(route);
      if (!addresses) until.set(route, (addresses = new Map()));
      if (!addresses.has(address) && addresses.size >= MAX_REMEMBERED) forget(addresses);
      addresses.delete(address);
      addresses.set(address, now() + ttlMs);
    },
    refused(request, response) {
      if (request.method !== 'POST' || until.size === 0) return false;
      const url = request.url ?? '';
      const query = url.indexOf('?');
      const addresses = until.get(query === -1 ? url : url.slice(0, query));
      const address = request.socket.remoteAddress;
      if (!addresses || address === undefined) return false;
      const end = addresses.get(address);
      if (end === undefined) return false;
      const left = end - now();
      if (left <= 0) {
        addresses.delete(address);
        return false;
      }
      const seconds = Math.ceil(left / 1000);
      const body = JSON.stringify({ error: { code: 'rate_limited', message: `too many requests from this address; retry in ${seconds} s` } });
      answered++;
      // The body is not read: the connection closes after the answer.
      response.shouldKeepAlive = false;
      response.writeHead(429, { ...REFUSAL_HEADERS, 'retry-after': String(seconds), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(seconds), 'content-length': String(Buffer.byteLength(body)), connection: 'close' });
      response.end(body);
      return true;
    },
    count: () => answered,
  };
}

/**
 * Fastify's `serverFactory`: the plain HTTP server, with `early` in front of Fastify. Behind a
 * trusted proxy the socket's address is the proxy's, so nothing is answered early there.
 */
export function serverWithEarlyRefusal(early: EarlyRefusal, behindProxy: boolean) {
  return (handler: (request: IncomingMessage, response: ServerResponse) => void): Server =>
    createServer((request, response) => {
      if (!behindProxy && early.refused(request, response)) return;
      handler(request, response);
    });
}
