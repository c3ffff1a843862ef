import type { FastifyInstance } from 'fastify';
import { PairingConfirmRequestSchema } from '../../contract/staffSession';
import type { createPairing } from '../pairing/pairing';
import type { StaffLogin } from '../pairing/staffLogin';
import { PAIR_SCRIPT, renderPairPage } from '../pairing/pairPage';
import { signedByDevice, type Authenticate } from './deviceSignature';
import { parseBody, sendError, servePage } from './http';

/** Staff pairing: the device asks for a code and polls it (both signed); staff confirm it on /pair. */
export function registerPairingRoutes(
  app: FastifyInstance,
  deps: {
    authenticate: Authenticate;
    pairing: ReturnType<typeof createPairing>;
    staffLogin: StaffLogin;
    /** The intake's address as staff phones reach it, for the pairing QR (configured, or the address it listens on). */
    publicUrl: () => string;
    now: () => number;
    log: (message: string) => void;
    /** Attempts to confirm a pairing code per minute and address. */
    pairPerMinute: number;
  },
): void {
  const { authenticate, pairing, staffLogin, publicUrl, now, log, pairPerMinute } = deps;

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

  // Unauthenticated and guessable: limited per address (in the database) before anything else.
  app.post('/v1/pairings', { config: { rateLimit: { max: pairPerMinute, timeWindow: 60_000 } } }, async (request, reply) => {
    const confirm = parseBody(PairingConfirmRequestSchema, request, reply, 'invalid_pairing', 'the pairing request');
    if (!confirm) return reply;
    const address = request.ip;
    const login = await staffLogin.attempt(confirm.loginName, confirm.password, address);
    if (!login.ok) {
      if ('busy' in login) {
        reply.header('Retry-After', '5');
        return sendError(reply, 503, 'busy', 'too many sign-ins are being checked; retry after the given seconds');
      }
      if (login.locked) {
        reply.header('Retry-After', String(Math.ceil(login.retryAfterMs / 1000)));
        return sendError(reply, 429, 'login_locked', 'too many failed attempts for this login from here; wait and try again');
      }
      // Counted on the code the device shows: a few wrong passwords burn it.
      await pairing.failedAttempt(confirm.code);
      return sendError(reply, 401, 'wrong_login', 'the login name or password is wrong');
    }
    const result = await pairing.confirm(confirm.code, login.staff);
    if (!result.ok) {
      // A right password with a wrong code counts too: one login cannot walk the codes.
      await staffLogin.missedCode(login.reservation);
      return sendError(reply, result.status, result.code, result.message);
    }
    await staffLogin.succeeded(login.reservation);
    log(`intake: device ${result.deviceId} paired with staff ${login.staff.loginName}`);
    return { deviceId: result.deviceId, staff: login.staff, pairedAtMs: result.pairedAtMs };
  });

  servePage(app, '/pair', renderPairPage(), PAIR_SCRIPT);
}
