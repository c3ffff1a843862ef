import type { FastifyInstance } from 'fastify';
import { FleetFlagCloseRequestSchema, FleetFlagKindSchema, FleetQuerySchema, HeartbeatSchema } from '../../contract/heartbeat';
import { InvitationReportBatchSchema } from '../../contract/invitationReport';
import type { Fleet } from '../fleet/fleet';
import { signedByDevice, type Authenticate } from './deviceSignature';
import { parseBody, parseQuery, sendError, type RequireAdmin } from './http';

/** Heartbeats and invitation reports from devices (signed), and the fleet view for hall IT staff (admin). */
export function registerFleetRoutes(app: FastifyInstance, deps: { authenticate: Authenticate; fleet: Fleet; requireAdmin: RequireAdmin; now: () => number }): void {
  const { authenticate, fleet, requireAdmin, now } = deps;

  app.post('/v1/devices/:deviceId/heartbeats', async (request, reply) => {
    const { deviceId } = request.params as { deviceId: string };
    const auth = await signedByDevice(authenticate, request, reply, deviceId);
    if (!auth) return reply;
    const heartbeat = parseBody(HeartbeatSchema, request, reply, 'invalid_heartbeat', 'the heartbeat');
    if (!heartbeat) return reply;
    if (heartbeat.deviceId !== deviceId) return sendError(reply, 401, 'wrong_device', 'the heartbeat names another device than the signer');
    const result = await fleet.receive(deviceId, auth.hallCode, heartbeat);
    if (!result.ok) return sendError(reply, result.status, result.code, result.message);
    return reply.code(202).send({ serverTimeMs: now() });
  });

  app.post('/v1/devices/:deviceId/invitation-reports', async (request, reply) => {
    const { deviceId } = request.params as { deviceId: string };
    const auth = await signedByDevice(authenticate, request, reply, deviceId);
    if (!auth) return reply;
    const batch = parseBody(InvitationReportBatchSchema, request, reply, 'invalid_invitation_reports', 'the invitation reports');
    if (!batch) return reply;
    if (batch.deviceId !== deviceId) return sendError(reply, 401, 'wrong_device', 'the reports name another device than the signer');
    const result = await fleet.report(deviceId, auth.hallCode, batch);
    if (!result.ok) return sendError(reply, result.status, result.code, result.message);
    return { stored: result.stored, serverTimeMs: now() };
  });

  app.post('/v1/admin/fleet/:deviceId/flags/:kind/close', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const { deviceId, kind } = request.params as { deviceId: string; kind: string };
    const parsedKind = FleetFlagKindSchema.safeParse(kind);
    if (!parsedKind.success) return sendError(reply, 400, 'unknown_flag', `kind must be one of ${FleetFlagKindSchema.options.join(', ')}`);
    const body = parseBody(FleetFlagCloseRequestSchema, request, reply, 'invalid_flag_close', 'the request');
    if (!body) return reply;
    if (!(await fleet.closeByPerson(deviceId, parsedKind.data, body))) return sendError(reply, 404, 'no_open_flag', `device ${deviceId} has no open ${parsedKind.data} flag`);
    return { deviceId, kind: parsedKind.data, closedBy: `${body.by}: ${body.reason}` };
  });

  app.get('/v1/admin/fleet', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const query = parseQuery(FleetQuerySchema, request, reply);
    if (!query) return reply;
    return { devices: await fleet.view(query.hall ?? null) };
  });
}
