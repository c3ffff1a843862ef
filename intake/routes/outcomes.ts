import type { FastifyInstance } from 'fastify';
import { OutcomeBatchSchema } from '../../contract/intakeApi';
import type { createBatchIngest } from '../ingest/batchIngest';
import { refuseUnsigned, signedRequest, type Authenticate } from './deviceSignature';
import { bodyOf, issuesOf, sendError } from './http';

/** Signed batch upload with a result per item; beyond `maxInFlight` concurrent uploads, 429 + Retry-After. */
export function registerOutcomeRoutes(
  app: FastifyInstance,
  deps: {
    authenticate: Authenticate;
    ingest: ReturnType<typeof createBatchIngest>;
    maxInFlight: number;
    now: () => number;
    /** Told of each ingested batch: its per-item answers and how long it took (metrics). */
    onBatch?: (results: Array<{ status: string; code?: string }>, seconds: number) => void;
  },
): void {
  const { authenticate, ingest, maxInFlight, now, onBatch } = deps;
  let inFlight = 0;
  app.post('/v1/outcomes/batch', { config: { itemsCheckedOneByOne: ['outcomes'] } }, async (request, reply) => {
    if (inFlight >= maxInFlight) {
      reply.header('Retry-After', '1');
      return sendError(reply, 429, 'overloaded', 'too many uploads at once; retry after the given seconds');
    }
    inFlight++;
    try {
      const payload = bodyOf(request);
      if (!payload) return sendError(reply, 415, 'unsupported_media_type', 'send application/json');
      const auth = await signedRequest(authenticate, request);
      if (!auth.ok) return refuseUnsigned(reply, auth);
      const batch = OutcomeBatchSchema.safeParse(payload.json);
      if (!batch.success) return sendError(reply, 400, 'invalid_batch', 'the batch does not match the schema', issuesOf(batch.error));
      if (batch.data.deviceId !== auth.deviceId) return sendError(reply, 401, 'wrong_device', 'the batch names another device than the signer');
      // Enrolled before devices had halls, and no provisioned token has named its hall since:
      // the intake cannot tell which hall its outcomes may count in. The device tries again later.
      if (auth.hallCode === null) return sendError(reply, 403, 'hall_unknown', 'the intake does not know this device\'s hall: load its provisioned token file');
      const started = performance.now();
      const { results, lateFlagResults } = await ingest({ deviceId: auth.deviceId, key: auth.key, hallCode: auth.hallCode }, batch.data.outcomes, batch.data.lateFlags);
      onBatch?.(results, (performance.now() - started) / 1000);
      return { serverTimeMs: now(), results, ...(batch.data.lateFlags ? { lateFlagResults } : {}) };
    } finally {
      inFlight--;
    }
  });
}
