import { z } from 'zod';
import type { RatingRecord } from '../../ingest/ratingRecord';
import { BEIJING_ZONE_MINUTES, ratedBeforeCase, REFERENCE_PROFILE, toProvincial } from '../../export/provinceProfiles';
import { readJsonAnswer, type ProvinceAdapter, type SendResult } from '../adapter';

/**
 * The product's own reference interface (REFERENCE_PROFILE; scripts/referenceMock.ts is its
 * server): not a real province's. A bearer token, JSON bodies, and two calls: POST /ratings (the
 * rating as the national codes give it, with our id) and POST /ticket-states (a 差评 ticket's stage,
 * finding and exclusion after one transition, keyed by ticket and action-log seq). Answers: 200
 * `{ ackId }` taken, 409 `{ ackId }` already held (a resend after a lost reply), 400 `{ reason }`
 * refused; anything else is retried.
 */
export const REFERENCE_STYLE = 'reference-json';

export interface ReferenceConfig {
  baseUrl: string;
  /** Never logged. */
  token: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const ReplySchema = z.object({ ackId: z.string().optional(), reason: z.string().optional() });

/** The reference interface's answer as a SendResult. */
export function readReferenceReply(status: number, text: string): SendResult {
  const reply = readJsonAnswer(status, text, ReplySchema, 'ackId or reason');
  if (!reply.ok) return reply.retry;
  const ackId = reply.value.ackId?.trim() || null;
  if (status === 200) return ackId ? { kind: 'ack', ackId } : { kind: 'retry', error: 'HTTP 200 without an ackId: not an acknowledgement' };
  if (status === 409) return { kind: 'duplicate', ackId };
  if (status === 400) return { kind: 'refused', reason: reply.value.reason?.trim() || 'refused without a reason' };
  return { kind: 'retry', error: `HTTP ${status}` };
}

export function createReferenceAdapter(config: ReferenceConfig): ProvinceAdapter {
  const doFetch = config.fetch ?? fetch;
  const timeoutMs = config.timeoutMs ?? 15_000;
  const base = config.baseUrl.replace(/\/$/, '');
  async function post(path: string, body: unknown): Promise<SendResult> {
    try {
      const response = await doFetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${config.token}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return readReferenceReply(response.status, await response.text());
    } catch (error) {
      return { kind: 'retry', error: error instanceof Error ? error.message : String(error) };
    }
  }
  return {
    style: REFERENCE_STYLE,
    takesDefaultRating: false,
    check: (rating) => ratedBeforeCase(toProvincial(rating, REFERENCE_PROFILE, BEIJING_ZONE_MINUTES)),
    send: (rating: RatingRecord) => post('/ratings', { id: rating.id, ...toProvincial(rating, REFERENCE_PROFILE, BEIJING_ZONE_MINUTES) }),
    ...(REFERENCE_PROFILE.ticketState ? { sendTicketState: (body: string) => post('/ticket-states', JSON.parse(body) as unknown) } : {}),
  };
}
