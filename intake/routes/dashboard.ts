import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { DashboardQuerySchema, HallPeriodSchema, HotWordsQuerySchema, type PublicDisplayResponse } from '../../contract/dashboard';
import type { ChannelCounts } from '../../contract/phoneRating';
import { createDashboardQueries } from '../dashboard/aggregateQueries';
import { aggregatesToCsv } from '../dashboard/csvExport';
import { publicChannelCounts } from '../phone/channelCounts';
import type { DashboardStore } from '../store/store';
import { bearerOf, sameSecret } from '../security/secrets';
import { parseQuery as parseQueryWith, sendError } from './http';

export interface DashboardRouteOptions {
  dashboard: DashboardStore;
  /** Reads every hall. */
  adminToken?: string;
  /** Hall code → bearer token that reads that hall only (a hall manager's credential). */
  dashboardTokens?: ReadonlyMap<string, string>;
  /** Counted ratings by channel (intake/phone/channelCounts.ts). */
  channels: (hall: string, from: string, to: string) => Promise<ChannelCounts>;
  now: () => number;
}


/**
 * Dashboard routes. Managers' routes (/v1/dashboard/*) need the intake admin token (any hall)
 * or the hall's dashboard token (that hall only). The public display route needs nothing and
 * gives counts, rates and hot words of public comments only.
 */
export function registerDashboardRoutes(app: FastifyInstance, options: DashboardRouteOptions): void {
  const queries = createDashboardQueries(options.dashboard, options.now);

  /** Whether the bearer token may read this hall; answers 401/403 itself when not. */
  const authorise = (request: FastifyRequest, reply: FastifyReply, hall: string): boolean => {
    const token = bearerOf(request);
    if (token === undefined) {
      void sendError(reply, 401, 'unauthorized', 'dashboard routes need the admin token or the hall dashboard token');
      return false;
    }
    if (options.adminToken && sameSecret(token, options.adminToken)) return true;
    const hallToken = options.dashboardTokens?.get(hall);
    if (hallToken !== undefined && sameSecret(token, hallToken)) return true;
    const knownElsewhere = [...(options.dashboardTokens?.values() ?? [])].some((t) => sameSecret(token, t));
    void (knownElsewhere
      ? sendError(reply, 403, 'wrong_hall', `this token does not read hall ${hall}`)
      : sendError(reply, 401, 'unauthorized', 'dashboard routes need the admin token or the hall dashboard token'));
    return false;
  };

  // The hall of the public display comes from the path, merged into the parsed query.
  const parseQuery = <T extends z.ZodType>(schema: T, request: FastifyRequest, reply: FastifyReply) => parseQueryWith(schema, request, reply, true);

  app.get('/v1/dashboard/aggregates', async (request, reply) => {
    const query = parseQuery(DashboardQuerySchema, request, reply);
    if (!query || !authorise(request, reply, query.hall)) return reply;
    return queries.aggregate(query);
  });

  // The PAD and the citizen's phone counted apart (issue 24).
  const { channels } = options;
  app.get('/v1/dashboard/channels', async (request, reply) => {
    const query = parseQuery(HallPeriodSchema, request, reply);
    if (!query || !authorise(request, reply, query.hall)) return reply;
    return channels(query.hall, query.from, query.to);
  });

  app.get('/v1/dashboard/hot-words', async (request, reply) => {
    const query = parseQuery(HotWordsQuerySchema, request, reply);
    if (!query || !authorise(request, reply, query.hall)) return reply;
    return queries.hotWords(query, query.limit);
  });

  app.get('/v1/dashboard/export.csv', async (request, reply) => {
    const query = parseQuery(DashboardQuerySchema, request, reply);
    if (!query || !authorise(request, reply, query.hall)) return reply;
    const name = `dashboard-${query.hall}-${query.by}-${query.bucket}-${query.from}-${query.to}.csv`.replace(/[^A-Za-z0-9._-]/g, '_');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(aggregatesToCsv(await queries.aggregate(query)));
  });

  app.get('/v1/public/halls/:hall/display', async (request, reply) => {
    // The hall comes from the path (merged into the parsed query).
    const query = parseQuery(HallPeriodSchema, request, reply);
    if (!query) return reply;
    const [display, counts] = await Promise.all([queries.publicDisplay(query), channels(query.hall, query.from, query.to)]);
    const answer: PublicDisplayResponse = { ...display, channels: publicChannelCounts(counts) };
    return reply.header('cache-control', 'no-store').send(answer);
  });
}
