import { z } from 'zod';

/**
 * How a device signs a request to the intake: the one definition the device (src/sync/) and the
 * intake (intake/devices/deviceAuth.ts) both use.
 *
 * The device's Ed25519 key signs the UTF-8 bytes of
 *
 *     <timestampMs>.hcp-request-v1
 *     <METHOD>
 *     <path with query, as sent>
 *     <deviceId>
 *     <nonce>
 *     <SHA-256 of the body, lowercase hex (of the empty string when there is none)>
 *
 * so a signature holds for one method, one route with its query, one body, one moment and one
 * nonce: moved to another route or replayed, it is refused. The timestamp is the device's clock
 * corrected by the offset it measured to the intake's (`serverTimeMs` in the intake's answers);
 * the intake accepts it within ±2 minutes of its own clock and remembers every nonce it saw for
 * that long. A request refused as stale carries the intake's time, so the device can correct its
 * offset and try once more.
 */
export const DEVICE_ID_HEADER = 'x-device-id';
export const TIMESTAMP_HEADER = 'x-request-timestamp';
export const NONCE_HEADER = 'x-request-nonce';
export const SIGNATURE_HEADER = 'x-signature';
/** Every header a signed request carries (CORS: the intake allows them). */
export const SIGNED_REQUEST_HEADERS = [DEVICE_ID_HEADER, TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER] as const;

/** How far a signed request's timestamp may be from the intake's clock, either way. */
export const SIGNATURE_MAX_SKEW_MS = 2 * 60 * 1000;

export const REQUEST_SIGNATURE_VERSION = 'hcp-request-v1';

/** A nonce: 16–64 base64url characters, never used twice by one device. */
export const NonceSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'expected 16–64 base64url characters');

/** SHA-256 of the empty body, in hex: what a GET or a POST without a body signs. */
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface RequestToSign {
  method: string;
  /** The request target as sent: path and query (`/v1/devices/d1/pairing-codes/123456`, `/v1/x?a=1`). */
  pathWithQuery: string;
  deviceId: string;
  nonce: string;
  /** SHA-256 of the exact body bytes, lowercase hex. */
  bodySha256: string;
}

/** Everything a device signs about a request except the timestamp. */
export function requestSigningPayload(request: RequestToSign): string {
  return [REQUEST_SIGNATURE_VERSION, request.method.toUpperCase(), request.pathWithQuery, request.deviceId, request.nonce, request.bodySha256].join('\n');
}

/** The text the device key signs: the timestamp, a dot, and the payload. */
export function signedRequestText(timestampMs: number | string, payload: string): string {
  return `${timestampMs}.${payload}`;
}

/** The body of a request refused because its timestamp is too far from the intake's clock. */
export const StaleRequestResponseSchema = z
  .object({
    error: z.object({ code: z.literal('stale_request'), message: z.string() }).strict(),
    /** The intake's clock when it refused: the device corrects its offset by it and tries once more. */
    serverTimeMs: z.number(),
  })
  .strict();
