import type { z } from 'zod';
import type { Level } from '../../contract/ratingCodes';
import type { RatingRecord } from '../ingest/ratingRecord';

/**
 * What a province answered to one record. Only `ack` (with the province's id) and `duplicate`
 * (the province already has it) acknowledge; `retry` keeps the record pending (5xx, a timeout, a
 * reply that is not XML/JSON, a missing ack id, an expired token); `refused` is the province's
 * final word, with its reason, until a person requeues the record.
 */
export type SendResult =
  | { kind: 'ack'; ackId: string }
  | { kind: 'duplicate'; ackId: string | null }
  | { kind: 'refused'; reason: string }
  | { kind: 'retry'; error: string; retryAfterMs?: number };

export interface SendOptions {
  /** Queued by a late-upload run (补报): an interface with a late-upload call uses it. */
  late?: boolean;
  /** For an unrated or declined ending: send the province's required default rating at this level, marked as the system's. */
  defaultLevel?: Level;
}

/** One provincial interface style (forwarding/adapters/). */
export interface ProvinceAdapter {
  /** e.g. fujian-soap-sm4. */
  readonly style: string;
  /** Whether the interface's code table can mark a rating as the system's default (Zhejiang pf 7); only then is a default rating sent. */
  readonly takesDefaultRating: boolean;
  /** A rule the province enforces, checked before sending: the reason it would refuse the rating, or null. */
  check(rating: RatingRecord): string | null;
  /** Sends one rating (the press merged with its details); never throws for a province answer. */
  send(rating: RatingRecord, options?: SendOptions): Promise<SendResult>;
  /**
   * Sends one 差评 ticket state (issue 23: the stage, finding and exclusion after a transition, as
   * tickets.ts ticketStateUpstream writes it), present only where the interface's profile has the
   * call (ProvinceProfile.ticketState); ticket states are queued only for such a destination.
   */
  sendTicketState?(body: string): Promise<SendResult>;
}

/**
 * A JSON answer read through its schema, or the retry it calls for: a 5xx, a page that is not JSON
 * (a gateway's error page) or JSON without the fields the schema asks (`what` names them).
 */
export function readJsonAnswer<T extends z.ZodType>(status: number, text: string, schema: T, what: string): { ok: true; value: z.infer<T> } | { ok: false; retry: SendResult } {
  if (status >= 500) return { ok: false, retry: { kind: 'retry', error: `HTTP ${status}` } };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, retry: { kind: 'retry', error: `not a JSON answer (HTTP ${status}): ${text.slice(0, 80)}` } };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, retry: { kind: 'retry', error: `an answer without ${what} (HTTP ${status}): ${text.slice(0, 80)}` } };
  return { ok: true, value: parsed.data };
}

/** Minimal XML text escaping for element content. */
export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function xmlUnescape(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/** The text of the first `<name>` element (any namespace prefix), unescaped; undefined when absent. */
export function xmlElement(xml: string, name: string): string | undefined {
  const match = new RegExp(`<(?:[\\w-]+:)?${name}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[\\w-]+:)?${name}>`).exec(xml);
  return match ? xmlUnescape(match[1]!) : undefined;
}

/** A flat record as `<root><field>value</field>…</root>`, in the record's key order. */
export function xmlRecord(root: string, record: Record<string, string | Array<Record<string, string>>>): string {
  const field = ([key, value]: [string, string | Array<Record<string, string>>]): string =>
    typeof value === 'string' ? `<${key}>${xmlEscape(value)}</${key}>` : `<${key}>${value.map((item) => `<item>${Object.entries(item).map(field).join('')}</item>`).join('')}</${key}>`;
  return `<${root}>${Object.entries(record).map(field).join('')}</${root}>`;
}
