import type { FastifyInstance } from 'fastify';
import { EnrolRequestSchema } from '../../contract/intakeApi';
import type { createEnrolment } from '../devices/enrolment';
import type { SealingKeys } from '../devices/sealingKeys';
import { parseBody, sendError } from './http';

/** Enrolment (a provisioning token binds a device id to its key) and the key callback phones are sealed to. */
export function registerDeviceRoutes(app: FastifyInstance, deps: { enrolment: ReturnType<typeof createEnrolment>; sealing: SealingKeys; now: () => number; enrolPerMinute: number }): void {
  const { enrolment, sealing, now, enrolPerMinute } = deps;
  // Unauthenticated: limited per address (in the database), so tokens cannot be tried at speed.
  app.post('/v1/devices', { config: { rateLimit: { max: enrolPerMinute, timeWindow: 60_000 } } }, async (request, reply) => {
    const enrol = parseBody(EnrolRequestSchema, request, reply, 'invalid_enrolment', 'the enrolment request');
    if (!enrol) return reply;
    const result = await enrolment.enrol(enrol);
    if (!result.ok) return sendError(reply, result.status, result.code, result.message);
    return reply.code(201).send({ deviceId: enrol.deviceId, enrolledAt: new Date(result.enrolledAt).toISOString(), serverTimeMs: now(), sealingPublicKey: sealing.publicKey });
  });

  app.get('/v1/keys/sealing', async () => ({ sealingPublicKey: sealing.publicKey }));
}
