import { InvitationReportResponseSchema, type InvitationReportBatch } from '../../contract/invitationReport';
import { BatchResponseSchema, EnrolResponseSchema, FeedTicketResponseSchema, SealingKeyResponseSchema, type BatchResponse, type FeedTicketResponse, type LateFlag } from '../../contract/intakeApi';
import { HeartbeatResponseSchema, type Heartbeat } from '../../contract/heartbeat';
import type { Outcome } from '../../contract/outcome';
import { CaseLinkResponseSchema, type CaseLinkRequest } from '../../contract/phoneRating';
import { PairingCodeResponseSchema, PairingStatusResponseSchema, type PairingCodeResponse, type PairingStatusResponse } from '../../contract/staffSession';
import { createSignedFetch, memoryClock, type IntakeClock, type RequestSigner } from './signedRequest';

/** How one upload attempt ended, as the sync engine needs to know it. */
export type UploadResult =
  | { kind: 'ok'; response: BatchResponse; sentAtMs: number; receivedAtMs: number }
  /** Worth retrying later: network error, timeout, 5xx, 429, a garbled answer. */
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  /** The batch is too large for the intake: send smaller ones. */
  | { kind: 'tooLarge' }
  /** The intake does not accept this device (not enrolled, key mismatch): needs attention. */
  | { kind: 'unauthorized'; reason: string };

/** A heartbeat was taken (202) or not; one that was not is dropped by the caller, never resent. */
export type HeartbeatResult = { kind: 'ok'; serverTimeMs: number } | { kind: 'failed'; reason: string };

export interface IntakeClientOptions {
  baseUrl: string;
  deviceId: string;
  /** Signs `${timestampMs}.${payload}` with the device key (src/device/deviceKey.ts signRequest). */
  sign: RequestSigner;
  /** The device's clock. */
  now: () => number;
  /**
   * The measured offset to the intake's clock, which signed requests are stamped by; a stale
   * refusal teaches it (src/sync/signedRequest.ts). The sync service hands the engine's; by
   * default it is kept in memory.
   */
  clock?: IntakeClock;
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
  const signedFetch = createSignedFetch({ ...options, clock: options.clock ?? memoryClock(), fetch: doFetch, timeoutMs });
  const devicePath = `/v1/devices/${encodeURIComponent(options.deviceId)}`;

  return {
    async uploadBatch(outcomes: Outcome[], lateFlags: LateFlag[] = []): Promise<UploadResult> {
      const body = JSON.stringify({ deviceId: options.deviceId, outcomes, ...(lateFlags.length > 0 ? { lateFlags } : {}) });
      let response: Response;
      let text: string;
      let sentAtMs: number;
      let receivedAtMs: number;
      try {
        ({ response, sentAtMs } = await signedFetch('POST', '/v1/outcomes/batch', body));
        text = await response.text();
        receivedAtMs = options.now();
      } catch (error) {
        return { kind: 'retry', reason: `network: ${error instanceof Error ? error.message : String(error)}` };
      }
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
        const { response } = await signedFetch('POST', `${devicePath}/pairing-codes`, '{}');
        if (response.status !== 201) return null;
        const parsed = PairingCodeResponseSchema.safeParse(await response.json());
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },

    /** Whether staff confirmed the code yet. */
    async pairingStatus(code: string): Promise<PairingStatusResponse | null> {
      try {
        const { response } = await signedFetch('GET', `${devicePath}/pairing-codes/${encodeURIComponent(code)}`);
        if (!response.ok) return null;
        const parsed = PairingStatusResponseSchema.safeParse(await response.json());
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },

    /**
     * Sends one signed heartbeat (contract/heartbeat.ts). The answer's clock is not learnt from:
     * the offset is the sync engine's, and a stale refusal teaches it as for any signed request.
     */
    async heartbeat(body: Heartbeat): Promise<HeartbeatResult> {
      try {
        const { response } = await signedFetch('POST', `${devicePath}/heartbeats`, JSON.stringify(body));
        if (response.status !== 202) return { kind: 'failed', reason: `HTTP ${response.status}` };
        const parsed = HeartbeatResponseSchema.safeParse(await response.json());
        return parsed.success ? { kind: 'ok', serverTimeMs: parsed.data.serverTimeMs } : { kind: 'failed', reason: 'the intake answer did not match the contract' };
      } catch (error) {
        return { kind: 'failed', reason: `network: ${error instanceof Error ? error.message : String(error)}` };
      }
    },

    /** Sends invitation reports; true once the intake has stored them all. */
    async invitationReports(batch: InvitationReportBatch): Promise<boolean> {
      try {
        const { response } = await signedFetch('POST', `${devicePath}/invitation-reports`, JSON.stringify(batch));
        return response.status === 200 && InvitationReportResponseSchema.safeParse(await response.json()).success;
      } catch {
        return false;
      }
    },

    /** A single-use ticket that opens this device's invitation feed; null when the intake cannot be reached or refuses. */
    async feedTicket(): Promise<FeedTicketResponse | null> {
      try {
        const { response } = await signedFetch('POST', `${devicePath}/feed-tickets`);
        if (response.status !== 201) return null;
        const parsed = FeedTicketResponseSchema.safeParse(await response.json());
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },

    /** Acknowledges an invitation the device stored (its feed stops sending it); false when not answered. */
    async ackInvitation(invitationId: string): Promise<boolean> {
      try {
        return (await signedFetch('POST', `${devicePath}/invitations/${encodeURIComponent(invitationId)}/ack`)).response.ok;
      } catch {
        return false;
      }
    },

    /** A case-bound rating link for the citizen's phone (issue 24) and the end of its last valid day; null when the intake cannot be reached or refuses. */
    async caseLink(body: CaseLinkRequest): Promise<{ url: string; expiresAt: string } | null> {
      try {
        const { response } = await signedFetch('POST', `${devicePath}/case-links`, JSON.stringify(body));
        if (response.status !== 201) return null;
        const parsed = CaseLinkResponseSchema.safeParse(await response.json());
        return parsed.success ? { url: parsed.data.url, expiresAt: parsed.data.expiresAt } : null;
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
