import { sign, type KeyObject } from 'node:crypto';
import type { RunningIntake } from '../server';

export interface TestDevice {
  deviceId: string;
  privateKey: KeyObject;
}

/** Headers that sign a request as a device does (src/sync/intakeClient.ts). */
export function signedHeaders(device: TestDevice, _method: string, _url: string, body: string, opts: { timestamp?: number } = {}): Record<string, string> {
  const timestamp = String(opts.timestamp ?? Date.now());
  return {
    'x-device-id': device.deviceId,
    'x-request-timestamp': timestamp,
    'x-signature': sign(null, Buffer.from(`${timestamp}.${body}`), device.privateKey).toString('base64url'),
  };
}

/** A POST signed by `device`, with a JSON body (given as text, or an object to serialise). */
export function signedPost(intake: RunningIntake, device: TestDevice, url: string, body: unknown = {}, opts: { timestamp?: number } = {}) {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return intake.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...signedHeaders(device, 'POST', url, payload, opts) }, payload });
}

/** A batch of outcomes from `device`, signed. */
export const uploadBatch = (intake: RunningIntake, device: TestDevice, outcomes: unknown[], opts: { timestamp?: number } = {}) =>
  signedPost(intake, device, '/v1/outcomes/batch', { deviceId: device.deviceId, outcomes }, opts);
