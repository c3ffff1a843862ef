import type { FastifyReply } from 'fastify';

export interface ErrorIssue {
  path: string;
  message: string;
}

/** Every refusal the host sends has this one JSON shape, so callers can show it as it is. */
export function sendError(reply: FastifyReply, status: number, code: string, message: string, issues?: ErrorIssue[]) {
  return reply.code(status).send({ error: { code, message, ...(issues ? { issues } : {}) } });
}

export function issuesFrom(zodIssues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): ErrorIssue[] {
  return zodIssues.map((issue) => ({ path: issue.path.map(String).join('.') || '(body)', message: issue.message }));
}
