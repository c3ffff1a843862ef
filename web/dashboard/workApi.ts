import type { z } from 'zod';
import type { TicketEvent } from '../../contract/tickets';
import {
  EvidenceReceiptSchema,
  LogVerdictSchema,
  SessionLogPageSchema,
  WorkSessionSchema,
  WorkTicketListSchema,
  WorkTicketPageSchema,
  type WorkSession,
} from '../../contract/workQueue';

/** A refusal as the intake gave it: its status, code, message and the steps allowed now (409). */
export class WorkApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly allowed: string[] = [],
  ) {
    super(message);
  }
}

type Fetch = typeof fetch;

/**
 * The intake's work-queue routes on the page's own origin: the session cookie goes with every
 * call (same origin), and every POST carries the CSRF token the session gave.
 */
export function createWorkApi(origin = '', fetcher: Fetch = (...args) => fetch(...args)) {
  let csrf = '';
  async function call<T extends z.ZodType>(schema: T, path: string, init: RequestInit = {}): Promise<z.infer<T>> {
    const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
    if (init.method === 'POST') headers['x-csrf-token'] = csrf;
    const response = await fetcher(`${origin}${path}`, { ...init, headers, credentials: 'same-origin', cache: 'no-store' });
    const body: unknown = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) {
      const error = (body as { error?: { code?: string; message?: string; allowed?: string[] } } | null)?.error;
      throw new WorkApiError(response.status, error?.code ?? 'error', error?.message ?? `HTTP ${response.status}`, error?.allowed ?? []);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new WorkApiError(response.status, 'unexpected', 'the intake answered in an unexpected form');
    return parsed.data;
  }
  const post = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const remember = (session: WorkSession) => {
    csrf = session.csrfToken;
    return session;
  };
  return {
    session: async () => remember(await call(WorkSessionSchema, '/v1/work/session')),
    signIn: async (login: string, password: string) => remember(await call(WorkSessionSchema, '/v1/work/session', post({ login, password }))),
    async signOut(): Promise<void> {
      const response = await fetcher(`${origin}/v1/work/session/end`, { method: 'POST', headers: { 'x-csrf-token': csrf }, credentials: 'same-origin' });
      if (!response.ok && response.status !== 204) throw new WorkApiError(response.status, 'error', `HTTP ${response.status}`);
    },
    tickets: (filter: Record<string, string>) => call(WorkTicketListSchema, `/v1/work/tickets?${new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== ''))}`),
    ticket: (id: string) => call(WorkTicketPageSchema, `/v1/work/tickets/${encodeURIComponent(id)}`),
    act: (id: string, version: number, event: TicketEvent) => call(WorkTicketPageSchema.omit({ rating: true }), `/v1/work/tickets/${encodeURIComponent(id)}/actions`, post({ version, event })),
    uploadEvidence: (file: File) => call(EvidenceReceiptSchema, '/v1/work/evidence', { method: 'POST', headers: { 'content-type': file.type }, body: file }),
    verifyLog: () => call(LogVerdictSchema, '/v1/work/log/verify'),
    /** A page of the sign-in log, newest first; `before` is the `next` of the page before it. */
    sessions: (limit: number, before?: number) =>
      call(SessionLogPageSchema, `/v1/work/log/sessions?${new URLSearchParams({ limit: String(limit), ...(before === undefined ? {} : { before: String(before) }) })}`),
  };
}
export type WorkApi = ReturnType<typeof createWorkApi>;
