import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { RequireAdmin } from '../routes/http';
import { withinMs } from './withinMs';

/** How long a gauge's read may take in a scrape (Prometheus gives a scrape 10 s by default). */
const GAUGE_READ_WITHIN_MS = 3000;

/**
 * Prometheus metrics of one intake node (prom-client), at GET /metrics with the admin token
 * (Prometheus sends it as a bearer token). Counts and times only: no device, hall, staff, phone
 * or comment ever becomes a label, so the scrape holds nothing personal and its size stays fixed.
 */

export function createIntakeMetrics(node: string, onReadFailure?: (gauge: string, message: string) => void) {
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

  // Written out after the gauges' reads of the same scrape (a registry collects in order, and the
  // gauges are registered later than this): its own registry, appended.
  const afterGauges = new Registry();
  afterGauges.setDefaultLabels({ node });
  const readFailures = new Counter({
    name: 'intake_metrics_read_failures_total',
    help: 'Gauges the database did not answer for within the scrape (left out of that scrape, or NaN)',
    labelNames: ['gauge'],
    registers: [afterGauges],
  });
  /**
   * A gauge's read in a scrape: a database that fails or hangs costs that gauge, not the scrape,
   * whose process metrics and error counts are wanted most then.
   */
  const readForScrape = async <T>(name: string, read: () => Promise<T>): Promise<T | null> => {
    try {
      return await withinMs(GAUGE_READ_WITHIN_MS, read());
    } catch (error) {
      readFailures.inc({ gauge: name });
      onReadFailure?.(name, error instanceof Error ? error.message : String(error));
      return null;
    }
  };

  return {
    registry,
    /** A gauge read when scraped (queue depths, open flags): `read` answers from the store; NaN when it does not. */
    gauge(name: string, help: string, read: () => Promise<number>): void {
      new Gauge({
        name,
        help,
        registers: [registry],
        async collect() {
          this.set((await readForScrape(name, read)) ?? Number.NaN);
        },
      });
    },
    /** A gauge with labels read when scraped: `read` answers each labelled value; no series when it does not. */
    labelledGauge<L extends string>(name: string, help: string, labelNames: readonly L[], read: () => Promise<Array<{ labels: Record<L, string>; value: number }>>): void {
      new Gauge({
        name,
        help,
        labelNames,
        registers: [registry],
        async collect() {
          const values = (await readForScrape(name, read)) ?? [];
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
        const text = await registry.metrics();
        return reply.type(registry.contentType).send(`${text}${await afterGauges.metrics()}`);
      });
    },
  };
}

export type IntakeMetrics = ReturnType<typeof createIntakeMetrics>;
