import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { bearerOf, sameSecret } from '../security/secrets';

/** Problems of a request that failed its schema, each with the path it concerns. */
export type Issues = Array<{ path: string; message: string }>;

/** Every refusal has one shape: `{ error: { code, message, issues? } }`. */
export function sendError(reply: FastifyReply, status: number, code: string, message: string, issues?: Issues): FastifyReply {
  return reply.code(status).send({ error: { code, message, ...(issues ? { issues } : {}) } });
}
export type SendError = typeof sendError;

export const issuesOf = (error: z.ZodError): Issues => error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));

/** The JSON body as parsed, and the exact text it came in (signatures are over those bytes). */
export const bodyOf = (request: FastifyRequest) => request.body as { raw: string; json: unknown } | undefined;

export function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Parses the body with `schema`, or answers 400 `code` with every problem and returns null. */
export function parseBody<T extends z.ZodType>(schema: T, request: FastifyRequest, reply: FastifyReply, code: string, what: string): z.infer<T> | null {
  const parsed = schema.safeParse(bodyOf(request)?.json);
  if (parsed.success) return parsed.data;
  void sendError(reply, 400, code, `${what} does not match the schema`, issuesOf(parsed.error));
  return null;
}

/**
 * Parses the query string (with the route's path parameters, when given) by `schema`, or
 * answers 400 invalid_query with every problem and returns null: a repeated parameter arrives
 * as a list and fails a schema that wants one value.
 */
export function parseQuery<T extends z.ZodType>(schema: T, request: FastifyRequest, reply: FastifyReply, withParams = false): z.infer<T> | null {
  const parsed = schema.safeParse({ ...(request.query as object), ...(withParams ? (request.params as object) : {}) });
  if (parsed.success) return parsed.data;
  void sendError(reply, 400, 'invalid_query', 'the query does not match the schema', issuesOf(parsed.error));
  return null;
}

/** Whether the request carries the admin token; answers 401 itself when not. */
export type RequireAdmin = (request: FastifyRequest, reply: FastifyReply) => boolean;

export function adminGate(adminToken: string | undefined): RequireAdmin {
  return (request, reply) => {
    const given = bearerOf(request);
    if (adminToken !== undefined && given !== undefined && sameSecret(given, adminToken)) return true;
    void sendError(reply, 401, 'unauthorized', 'admin routes need the admin bearer token');
    return false;
  };
}

/**
 * Route options that give one route its own Content-Security-Policy (written as the header reads,
 * `directive value …; …`); @fastify/helmet sends it with the other security headers.
 */
export function pagePolicy(policy: string) {
  const directives = Object.fromEntries(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name as string, values]),
  );
  return { helmet: { contentSecurityPolicy: { useDefaults: false, directives } } };
}

/** A staff page's policy: its own script and nothing else; no framing (the pages hold password and token forms). */
const STAFF_PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** A staff page at `path` and its one script at `path/<name>.js`, under a CSP that allows nothing else. */
export function servePage(app: FastifyInstance, path: string, html: string, script: string): void {
  app.get(path, pagePolicy(STAFF_PAGE_POLICY), async (_request, reply) => reply.header('content-type', 'text/html; charset=utf-8').send(html));
  app.get(`${path}${path}.js`, async (_request, reply) => reply.header('content-type', 'text/javascript; charset=utf-8').send(script));
}
