import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import { DEVICE_ID_HEADER, NONCE_HEADER, requestSigningPayload, SIGNATURE_HEADER, signedRequestText, TIMESTAMP_HEADER } from '../../contract/requestSignature';
import type { StartedIntake } from '../server';

export interface TestDevice {
  deviceId: string;
  privateKey: KeyObject;
}

export interface SigningOptions {
  timestamp?: number;
  nonce?: string;
}

/** Headers that sign a request as a device does (src/sync/signedRequest.ts, contract/requestSignature.ts). */
export function signedHeaders(device: TestDevice, method: string, url: string, body: string, opts: SigningOptions = {}): Record<string, string> {
  const timestamp = String(opts.timestamp ?? Date.now());
  const nonce = opts.nonce ?? randomBytes(16).toString('base64url');
  const payload = requestSigningPayload({ method, pathWithQuery: url, deviceId: device.deviceId, nonce, bodySha256: createHash('sha256').update(body).digest('hex') });
  return {
    [DEVICE_ID_HEADER]: device.deviceId,
    [TIMESTAMP_HEADER]: timestamp,
    [NONCE_HEADER]: nonce,
    [SIGNATURE_HEADER]: sign(null, Buffer.from(signedRequestText(timestamp, payload)), device.privateKey).toString('base64url'),
  };
}

/** A request signed by `device`; a body (text, or an object to serialise) goes as JSON. */
export function signedRequest(intake: StartedIntake, device: TestDevice, method: 'GET' | 'POST', url: string, body?: unknown, opts: SigningOptions = {}) {
  const payload = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const headers = { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...signedHeaders(device, method, url, payload, opts) };
  return intake.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload }) });
}

/** A POST signed by `device`, with a JSON body (given as text, or an object to serialise). */
export const signedPost = (intake: StartedIntake, device: TestDevice, url: string, body: unknown = {}, opts: SigningOptions = {}) => signedRequest(intake, device, 'POST', url, body, opts);

/** A batch of outcomes from `device`, signed. */
export const uploadBatch = (intake: StartedIntake, device: TestDevice, outcomes: unknown[], opts: SigningOptions = {}) =>
  signedPost(intake, device, '/v1/outcomes/batch', { deviceId: device.deviceId, outcomes }, opts);
