import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { RequireAdmin } from '../routes/http';

/**
 * Prometheus metrics of one intake node (prom-client), at GET /metrics with the admin token
 * (Prometheus sends it as a bearer token). Counts and times only: no device, hall, staff, phone
 * or comment ever becomes a label, so the scrape holds nothing personal and its size stays fixed.
 */
export function createIntakeMetrics(node: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ node });
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'intake_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'intake_http_request_duration_seconds',
    help: 'Time to answer, by route pattern',
    labelNames: ['route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'intake_errors_total',
    help: 'Error answers by their code (the error.code of the body)',
    labelNames: ['code'],
    registers: [registry],
  });
  const ingested = new Counter({
    name: 'intake_ingested_outcomes_total',
    help: 'Outcomes in uploaded batches, by the answer each got (accepted, duplicate, rejected) and its code',
    labelNames: ['status', 'code'],
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: 'intake_batch_size',
    help: 'Outcomes per uploaded batch',
    buckets: [1, 5, 10, 50, 100, 250, 500],
    registers: [registry],
  });
  const ingestSeconds = new Histogram({
    name: 'intake_ingest_duration_seconds',
    help: 'Time to verify and store one batch (signatures, chain audit, merge, counts)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  return {
    registry,
    /** A gauge read when scraped (queue depths, open flags): `read` answers from the store. */
    gauge(name: string, help: string, read: () => Promise<number>): void {
      new Gauge({
        name,
        help,
        registers: [registry],
        async collect() {
          this.set(await read());
        },
      });
    },
    /** A gauge with labels read when scraped: `read` answers each labelled value. */
    labelledGauge<L extends string>(name: string, help: string, labelNames: readonly L[], read: () => Promise<Array<{ labels: Record<L, string>; value: number }>>): void {
      new Gauge({
        name,
        help,
        labelNames,
        registers: [registry],
        async collect() {
          const values = await read();
          this.reset();
          for (const { labels, value } of values) this.set(labels, value);
        },
      });
    },
    /** Counts every answer by its route pattern (never the raw URL: ids and tokens stay out). */
    observe(app: FastifyInstance): void {
      // The error code of an error answer (routes/http.ts sendError's body), read as it goes out.
      app.addHook('onSend', async (_request, reply, payload) => {
        if (reply.statusCode >= 400 && typeof payload === 'string' && payload.startsWith('{"error"')) {
          const code = /^\{"error":\{"code":"([a-z_]{1,40})"/.exec(payload)?.[1];
          errors.inc({ code: code ?? 'unknown' });
        }
        return payload;
      });
      app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
        const route = request.routeOptions.url ?? 'unmatched';
        requests.inc({ route, method: request.method, status: String(reply.statusCode) });
        duration.observe({ route }, reply.elapsedTime / 1000);
      });
    },
    batch(results: Array<{ status: string; code?: string }>, seconds: number): void {
      batchSize.observe(results.length);
      ingestSeconds.observe(seconds);
      for (const result of results) ingested.inc({ status: result.status, code: result.code ?? '' });
    },
    route(app: FastifyInstance, requireAdmin: RequireAdmin): void {
      app.get('/metrics', async (request, reply) => {
        if (!requireAdmin(request, reply)) return reply;
        return reply.type(registry.contentType).send(await registry.metrics());
      });
    },
  };
}

export type IntakeMetrics = ReturnType<typeof createIntakeMetrics>;
