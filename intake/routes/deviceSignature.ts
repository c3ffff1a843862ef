import type { FastifyReply, FastifyRequest } from 'fastify';
import { DEVICE_ID_HEADER, NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../contract/requestSignature';
import type { AuthResult, SignedRequestParts } from '../devices/deviceAuth';
import { bodyOf, headerOf, sendError } from './http';

export type Authenticate = (parts: SignedRequestParts) => Promise<AuthResult>;

/** Checks the request's signature (contract/requestSignature.ts): its method, path with query, exact body and headers. */
export function signedRequest(authenticate: Authenticate, request: FastifyRequest): Promise<AuthResult> {
  return authenticate({
    method: request.method,
    url: request.url,
    body: bodyOf(request)?.raw ?? '',
    deviceId: headerOf(request, DEVICE_ID_HEADER),
    timestamp: headerOf(request, TIMESTAMP_HEADER),
    nonce: headerOf(request, NONCE_HEADER),
    signature: headerOf(request, SIGNATURE_HEADER),
  });
}

/** The 401 for a request that failed its signature check; a stale one carries the intake's time. */
export function refuseUnsigned(reply: FastifyReply, auth: Extract<AuthResult, { ok: false }>): FastifyReply {
  if (auth.serverTimeMs !== undefined) return reply.code(401).send({ error: { code: auth.code, message: auth.message }, serverTimeMs: auth.serverTimeMs });
  return sendError(reply, 401, auth.code, auth.message);
}

/**
 * A signed request to a route of one device (`/v1/devices/:deviceId/…`): signed, and by that
 * device. Answers 401 itself and returns null otherwise.
 */
export async function signedByDevice(authenticate: Authenticate, request: FastifyRequest, reply: FastifyReply, deviceId: string): Promise<Extract<AuthResult, { ok: true }> | null> {
  const auth = await signedRequest(authenticate, request);
  if (!auth.ok) {
    void refuseUnsigned(reply, auth);
    return null;
  }
  if (auth.deviceId !== deviceId) {
    void sendError(reply, 401, 'wrong_device', 'the request names another device than the signer');
    return null;
  }
  return auth;
}
