import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { BEIJING_ZONE_MINUTES } from '../export/provinceProfiles';
import { parseBody, parseQuery, sendError, type RequireAdmin } from '../routes/http';
import type { IntakeStore } from '../store/store';
import { ForwardTransitionError, transition, type ForwardRecord } from './forwardState';

const DAY_MS = 86_400_000;
const DaySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'yyyy-MM-dd');
const ReportQuerySchema = z.object({ from: DaySchema.optional(), to: DaySchema.optional() }).strict();
const RefusedQuerySchema = z.object({ destination: z.string().min(1).max(64).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }).strict();
const RecordsQuerySchema = z.object({ day: DaySchema, destination: z.string().min(1).max(64).optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) }).strict();
const LateUploadSchema = z
  .object({ destination: z.string().min(1).max(64), from: DaySchema, to: DaySchema })
  .strict()
  .refine((b) => b.from <= b.to, { message: 'from is after to', path: ['to'] });
const RequeueParamsSchema = z.object({ outcomeId: z.string().min(1).max(64), destination: z.string().min(1).max(64) }).strict();

/** Midnight of a yyyy-MM-dd day in Beijing time, as ms. */
function beijingMidnight(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) - BEIJING_ZONE_MINUTES * 60_000;
}

function view(record: ForwardRecord) {
  return {
    outcomeId: record.outcomeId,
    destination: record.destination,
    state: record.state,
    attempts: record.attempts,
    reason: record.lastError,
    ackId: record.ackId,
    storedAt: new Date(record.storedAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
  };
}

/**
 * Admin routes of the forwarding queue: the reconciliation report per day (Beijing time) and
 * destination, the day's records with their ack ids, the refused list with the province's reasons,
 * a requeue after a fix, and a late-upload run (补报) for a date range.
 */
export function registerForwardingRoutes(app: FastifyInstance, deps: { store: IntakeStore; requireAdmin: RequireAdmin; now: () => number }): void {
  const { store, requireAdmin, now } = deps;
  app.get('/v1/admin/forwarding/report', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const query = parseQuery(ReportQuerySchema, request, reply);
    if (!query) return reply;
    const today = new Date(now() + BEIJING_ZONE_MINUTES * 60_000).toISOString().slice(0, 10);
    const to = query.to ?? today;
    const from = query.from ?? new Date(beijingMidnight(to) - 30 * DAY_MS + BEIJING_ZONE_MINUTES * 60_000).toISOString().slice(0, 10);
    if (from > to) return sendError(reply, 400, 'invalid_query', 'from is after to');
    const rows = await store.forwarding.report(beijingMidnight(from), beijingMidnight(to) + DAY_MS, BEIJING_ZONE_MINUTES);
    return { zone: '+08:00', from, to, rows };
  });
  // The reconciliation list of one day: every record with its state and the province's ack id.
  app.get('/v1/admin/forwarding/records', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const query = parseQuery(RecordsQuerySchema, request, reply);
    if (!query) return reply;
    const from = beijingMidnight(query.day);
    const records = await store.forwarding.stored(query.destination ?? null, from, from + DAY_MS, query.limit);
    return { day: query.day, records: records.map((r) => ({ ...view(r), projectNo: r.projectNo })) };
  });
  // 补报: queue the ratings of a date range that never went to a destination (stored before it was
  // configured, or readmitted after an integrity hold); they go through the late-upload call where
  // the interface has one (Fujian getEvaluationSupplement). Ratings already queued are left as they are.
  app.post('/v1/admin/forwarding/late-upload', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const body = parseBody(LateUploadSchema, request, reply, 'invalid_late_upload', 'a late-upload run');
    if (!body) return reply;
    if (!(await store.forwarding.destinations()).includes(body.destination)) return sendError(reply, 404, 'not_found', `no destination ${body.destination} is configured`);
    const queued = await store.forwarding.enqueueLate(body.destination, beijingMidnight(body.from), beijingMidnight(body.to) + DAY_MS, now());
    return { destination: body.destination, from: body.from, to: body.to, queued };
  });
  app.get('/v1/admin/forwarding/refused', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const query = parseQuery(RefusedQuerySchema, request, reply);
    if (!query) return reply;
    return { records: (await store.forwarding.list('refused', query.destination ?? null, query.limit)).map(view) };
  });
  app.post('/v1/admin/forwarding/refused/:outcomeId/:destination/requeue', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const params = RequeueParamsSchema.safeParse(request.params);
    if (!params.success) return sendError(reply, 400, 'invalid_params', 'outcomeId and destination are required');
    const record = await store.forwarding.get(params.data.outcomeId, params.data.destination);
    if (!record) return sendError(reply, 404, 'not_found', 'no such forwarding record');
    // A case stage goes to a province once (issue 24): the phone rating that superseded this ending went in its place.
    const [phoneRating] = record.state === 'refused' ? await store.phone.supersededBy(record.outcomeId) : [];
    if (phoneRating !== undefined) return sendError(reply, 409, 'superseded', `the citizen's phone rating ${phoneRating} of the same case stage is forwarded in its place: a province takes one rating per case stage`);
    try {
      const next = transition(record, { type: 'requeue', at: now() });
      if (!(await store.forwarding.save(record, next))) return sendError(reply, 409, 'moved', 'the record changed meanwhile; read it again');
      return { record: view(next) };
    } catch (error) {
      if (error instanceof ForwardTransitionError) return sendError(reply, 409, 'not_refused', `only a refused record is requeued; this one is ${record.state}`);
      throw error;
    }
  });
}
