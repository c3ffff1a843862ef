import type { FastifyServerOptions } from 'fastify';

/** Path parameters that are capabilities: a case link's token (/r/:token) and a live pairing code. */
const SECRET_PARAMS = new Set(['token', 'code']);

interface LoggedRequest {
  method: string;
  url: string;
  ip?: string;
  params?: unknown;
  routeOptions?: { url?: string };
}

/**
 * The path as logged: the route's pattern with its parameters filled in, apart from those that
 * are capabilities, which stay as `:token` and `:code`. A request no route took has no pattern
 * to say which part is a secret (`/r/<token>/` with a scanner's trailing slash, a wrong method),
 * so only its first segment is kept.
 */
export function loggedPath(request: LoggedRequest): string {
  const route = request.routeOptions?.url;
  const params = (typeof request.params === 'object' && request.params !== null ? request.params : {}) as Record<string, unknown>;
  if (route) return route.replace(/:(\w+)/g, (placeholder, name: string) => (SECRET_PARAMS.has(name) || typeof params[name] !== 'string' ? placeholder : (params[name] as string)));
  const segments = (request.url.split('?')[0] ?? '').split('/');
  return segments.length > 2 ? `${segments.slice(0, 2).join('/')}/…` : segments.join('/');
}

/**
 * The intake's request log (Fastify's own logger, pino, one JSON line per request): method,
 * path (loggedPath: never a query, where feed tickets and cursors travel, nor a link token or
 * pairing code), route, status, time and the caller's address. Never a token, a signature, a
 * phone number or a comment: headers and bodies are not logged, and the header fields that
 * could carry secrets are redacted should a log call ever include them. `stream`: where the
 * lines go (standard output when absent).
 */
export function intakeLogger(level: string, stream?: NodeJS.WritableStream): NonNullable<FastifyServerOptions['logger']> {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-device-signature"]', 'req.headers["x-device-nonce"]', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
    serializers: {
      req: (request: LoggedRequest) => ({
        method: request.method,
        path: loggedPath(request),
        route: request.routeOptions?.url,
        ip: request.ip,
      }),
      res: (reply: { statusCode: number }) => ({ status: reply.statusCode }),
    },
  };
}
