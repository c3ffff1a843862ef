import type { FastifyInstance } from 'fastify';
import { PairingConfirmRequestSchema } from '../../contract/staffSession';
import type { createPairing, createStaffLogin } from '../pairing/pairing';
import { PAIR_SCRIPT, renderPairPage } from '../pairing/pairPage';
import { signedByDevice, type Authenticate } from './deviceSignature';
import { parseBody, sendError, servePage } from './http';

/** Staff pairing: the device asks for a code and polls it (both signed); staff confirm it on /pair. */
export function registerPairingRoutes(
  app: FastifyInstance,
  deps: {
    authenticate: Authenticate;
    pairing: ReturnType<typeof createPairing>;
    staffLogin: ReturnType<typeof createStaffLogin>;
    /** The intake's address as staff phones reach it, for the pairing QR (configured, or the address it listens on). */
    publicUrl: () => string;
    now: () => number;
    log: (message: string) => void;
  },
): void {
  const { authenticate, pairing, staffLogin, publicUrl, now, log } = deps;

  app.post('/v1/devices/:deviceId/pairing-codes', async (request, reply) => {
    const { deviceId } = request.params as { deviceId: string };
    if (!(await signedByDevice(authenticate, request, reply, deviceId))) return reply;
    const issued = await pairing.issue(deviceId);
    return reply.code(201).send({ ...issued, confirmUrl: new URL(`/pair?code=${issued.code}`, publicUrl()).href, serverTimeMs: now() });
  });

  app.get('/v1/devices/:deviceId/pairing-codes/:code', async (request, reply) => {
    const { deviceId, code } = request.params as { deviceId: string; code: string };
    if (!(await signedByDevice(authenticate, request, reply, deviceId))) return reply;
    const status = await pairing.status(deviceId, code);
    if (!status) return sendError(reply, 404, 'unknown_code', 'this device was not given that pairing code');
    return { ...status, serverTimeMs: now() };
  });

  app.post('/v1/pairings', async (request, reply) => {
    const confirm = parseBody(PairingConfirmRequestSchema, request, reply, 'invalid_pairing', 'the pairing request');
    if (!confirm) return reply;
    const login = staffLogin(confirm.loginName, confirm.password);
    if (!login.ok) {
      if (login.locked) {
        reply.header('Retry-After', String(Math.ceil(login.retryAfterMs / 1000)));
        return sendError(reply, 429, 'login_locked', 'too many wrong passwords for this login; wait and try again');
      }
      return sendError(reply, 401, 'wrong_login', 'the login name or password is wrong');
    }
    const result = await pairing.confirm(confirm.code, login.staff);
    if (!result.ok) return sendError(reply, result.status, result.code, result.message);
    log(`intake: device ${result.deviceId} paired with staff ${login.staff.loginName}`);
    return { deviceId: result.deviceId, staff: login.staff, pairedAtMs: result.pairedAtMs };
  });

  servePage(app, '/pair', renderPairPage(), PAIR_SCRIPT);
}
