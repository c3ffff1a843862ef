import type { FastifyRequest } from 'fastify';
import { DEVICE_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../contract/intakeApi';
import type { AuthResult } from '../devices/deviceAuth';
import { headerOf } from './http';

export type Authenticate = (headers: { deviceId?: string; timestamp?: string; signature?: string }, signedText: string) => Promise<AuthResult>;

/** A request signed in its headers over `signedText` (the raw body, or `METHOD path`); the device named by the header, or by `deviceId` when given. */
export function signedByHeaders(authenticate: Authenticate, request: FastifyRequest, signedText: string, deviceId = headerOf(request, DEVICE_ID_HEADER)) {
  return authenticate({ deviceId, timestamp: headerOf(request, TIMESTAMP_HEADER), signature: headerOf(request, SIGNATURE_HEADER) }, signedText);
}

/** EventSource cannot send headers: such a request is signed in its query over `GET <path>`. */
export function signedByQuery(authenticate: Authenticate, request: FastifyRequest, deviceId: string) {
  const query = request.query as { ts?: string; sig?: string };
  return authenticate({ deviceId, timestamp: query.ts, signature: query.sig }, `GET ${request.url.split('?')[0]}`);
}
