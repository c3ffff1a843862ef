import type { z } from 'zod';
import {
  AggregateResponseSchema,
  HotWordsResponseSchema,
  PublicDisplayResponseSchema,
  type AggregateResponse,
  type DashboardQuery,
  type HotWordsResponse,
  type PublicDisplayResponse,
} from '../../contract/dashboard';
import { ChannelCountsSchema, type ChannelCounts } from '../../contract/phoneRating';

/** An answer the page shows as it is: the intake's own error message, or why it could not be read. */
export class DashboardApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Fetch = typeof fetch;

async function getJson<T extends z.ZodType>(fetcher: Fetch, url: string, schema: T, token?: string): Promise<z.infer<T>> {
  const response = await fetcher(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, cache: 'no-store' });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message = (body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${response.status}`;
    throw new DashboardApiError(response.status, message);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new DashboardApiError(response.status, 'the intake answered in an unexpected form');
  return parsed.data;
}

const queryString = (q: Record<string, string | number>) => new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)])).toString();

/** The intake's dashboard routes, on the page's own origin (the intake serves the page). */
export function createDashboardApi(origin = '', fetcher: Fetch = (...args) => fetch(...args)) {
  return {
    aggregates: (token: string, q: DashboardQuery): Promise<AggregateResponse> =>
      getJson(fetcher, `${origin}/v1/dashboard/aggregates?${queryString(q)}`, AggregateResponseSchema, token),
    hotWords: (token: string, q: { hall: string; from: string; to: string; limit: number }): Promise<HotWordsResponse> =>
      getJson(fetcher, `${origin}/v1/dashboard/hot-words?${queryString(q)}`, HotWordsResponseSchema, token),
    /** The period's ratings by channel: the hall's devices and each phone channel (issue 24). */
    channels: (token: string, q: { hall: string; from: string; to: string }): Promise<ChannelCounts> =>
      getJson(fetcher, `${origin}/v1/dashboard/channels?${queryString(q)}`, ChannelCountsSchema, token),
    publicDisplay: (q: { hall: string; from: string; to: string }): Promise<PublicDisplayResponse> =>
      getJson(fetcher, `${origin}/v1/public/halls/${encodeURIComponent(q.hall)}/display?${queryString({ from: q.from, to: q.to })}`, PublicDisplayResponseSchema),
    /** The CSV as a file the browser saves (a link cannot carry the bearer token). */
    async exportCsv(token: string, q: DashboardQuery): Promise<{ blob: Blob; fileName: string }> {
      const response = await fetcher(`${origin}/v1/dashboard/export.csv?${queryString(q)}`, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) throw new DashboardApiError(response.status, `HTTP ${response.status}`);
      const fileName = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'dashboard.csv';
      return { blob: await response.blob(), fileName };
    },
  };
}
export type DashboardApi = ReturnType<typeof createDashboardApi>;
