import type { FastifyServerOptions } from 'fastify';

/**
 * The intake's request log (Fastify's own logger, pino, one JSON line per request): method,
 * route path without its query (feed tickets and cursors travel there), status, time and the
 * caller's address. Never a token, a signature, a phone number or a comment: headers and
 * bodies are not logged, and the header fields that could carry secrets are redacted should a
 * log call ever include them.
 */
export function intakeLogger(level: string): NonNullable<FastifyServerOptions['logger']> {
  return {
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-device-signature"]', 'req.headers["x-device-nonce"]', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
    serializers: {
      req: (request: { method: string; url: string; ip?: string; routeOptions?: { url?: string } }) => ({
        method: request.method,
        path: request.url.split('?')[0],
        route: request.routeOptions?.url,
        ip: request.ip,
      }),
      res: (reply: { statusCode: number }) => ({ status: reply.statusCode }),
    },
  };
}
