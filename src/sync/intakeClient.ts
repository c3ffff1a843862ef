import {
  BatchResponseSchema,
  DEVICE_ID_HEADER,
  EnrolResponseSchema,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  SealingKeyResponseSchema,
  type BatchResponse,
  type LateFlag,
} from '../../contract/intakeApi';
import type { Outcome } from '../../contract/outcome';
import { PairingCodeResponseSchema, PairingStatusResponseSchema, type PairingCodeResponse, type PairingStatusResponse } from '../../contract/staffSession';

/** How one upload attempt ended, as the sync engine needs to know it. */
export type UploadResult =
  | { kind: 'ok'; response: BatchResponse; sentAtMs: number; receivedAtMs: number }
  /** Worth retrying later: network error, timeout, 5xx, 429, a garbled answer. */
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  /** The batch is too large for the intake: send smaller ones. */
  | { kind: 'tooLarge' }
  /** The intake does not accept this device (not enrolled, key mismatch): needs attention. */
  | { kind: 'unauthorized'; reason: string };

export interface IntakeClientOptions {
  baseUrl: string;
  deviceId: string;
  sign: (timestampMs: number, body: string) => Promise<string>;
  now: () => number;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export function parseRetryAfter(header: string | null, nowMs: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Uploads outcome batches to the intake, signed by the device key. */
export function createIntakeClient(options: IntakeClientOptions) {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function signedPost(path: string, body: string): Promise<Response> {
    const timestamp = Math.round(options.now());
    const signature = await options.sign(timestamp, body);
    return doFetch(new URL(path, options.baseUrl), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [DEVICE_ID_HEADER]: options.deviceId,
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signature,
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  }

  return {
    async uploadBatch(outcomes: Outcome[], lateFlags: LateFlag[] = []): Promise<UploadResult> {
      const body = JSON.stringify({ deviceId: options.deviceId, outcomes, ...(lateFlags.length > 0 ? { lateFlags } : {}) });
      const sentAtMs = options.now();
      let response: Response;
      let text: string;
      try {
        response = await signedPost('/v1/outcomes/batch', body);
        text = await response.text();
      } catch (error) {
        return { kind: 'retry', reason: `network: ${error instanceof Error ? error.message : String(error)}` };
      }
      const receivedAtMs = options.now();
      if (response.status === 413) return { kind: 'tooLarge' };
      if (response.status === 401 || response.status === 403) return { kind: 'unauthorized', reason: `HTTP ${response.status}: ${text.slice(0, 200)}` };
      if (!response.ok) {
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
        return { kind: 'retry', reason: `HTTP ${response.status}`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
      }
      let parsed;
      try {
        parsed = BatchResponseSchema.safeParse(JSON.parse(text));
      } catch {
        return { kind: 'retry', reason: 'the intake answer was not complete JSON' };
      }
      if (!parsed.success) return { kind: 'retry', reason: 'the intake answer did not match the contract' };
      return { kind: 'ok', response: parsed.data, sentAtMs, receivedAtMs };
    },

    /** A fresh staff pairing code for this device; null when the intake cannot be reached or refuses. */
    async requestPairingCode(): Promise<PairingCodeResponse | null> {
      try {
        const response = await signedPost(`/v1/devices/${encodeURIComponent(options.deviceId)}/pairing-codes`, '{}');
        if (response.status !== 201) return null;
        const parsed = PairingCodeResponseSchema.safeParse(await response.json());
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },

    /** Whether staff confirmed the code yet (signed in the query, as the intake reads GETs). */
    async pairingStatus(code: string): Promise<PairingStatusResponse | null> {
      const path = `/v1/devices/${encodeURIComponent(options.deviceId)}/pairing-codes/${encodeURIComponent(code)}`;
      try {
        const timestamp = Math.round(options.now());
        const signature = await options.sign(timestamp, `GET ${path}`);
        const url = new URL(path, options.baseUrl);
        url.search = new URLSearchParams({ ts: String(timestamp), sig: signature }).toString();
        const response = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) return null;
        const parsed = PairingStatusResponseSchema.safeParse(await response.json());
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },

    /** The intake's public key for sealing phone numbers; null when it cannot be had now. */
    async sealingKey(): Promise<string | null> {
      try {
        const response = await doFetch(new URL('/v1/keys/sealing', options.baseUrl), { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) return null;
        const parsed = SealingKeyResponseSchema.safeParse(await response.json());
        return parsed.success ? parsed.data.sealingPublicKey : null;
      } catch {
        return null;
      }
    },

    async enrol(enrolmentToken: string, publicKey: string): Promise<{ ok: true } | { ok: false; status: number; reason: string }> {
      let response: Response;
      try {
        response = await doFetch(new URL('/v1/devices', options.baseUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ enrolmentToken, deviceId: options.deviceId, publicKey }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        return { ok: false, status: 0, reason: `network: ${error instanceof Error ? error.message : String(error)}` };
      }
      const text = await response.text().catch(() => '');
      if (response.status === 201 || response.status === 200) {
        try {
          EnrolResponseSchema.parse(JSON.parse(text));
          return { ok: true };
        } catch {
          return { ok: false, status: response.status, reason: 'the enrolment answer did not match the contract' };
        }
      }
      return { ok: false, status: response.status, reason: text.slice(0, 300) };
    },
  };
}

export type IntakeClient = ReturnType<typeof createIntakeClient>;
