import { DEVICE_ID_HEADER, NONCE_HEADER, requestSigningPayload, SIGNATURE_HEADER, StaleRequestResponseSchema, TIMESTAMP_HEADER } from '../../contract/requestSignature';

/** Signs `${timestampMs}.${payload}` with the device key (src/device/deviceKey.ts signRequest). */
export type RequestSigner = (timestampMs: number, payload: string) => Promise<string>;

/**
 * The device's measure of the intake's clock: intake time minus device time, null before the
 * first answer. The sync engine keeps it (its status and the database); a signer reads it and
 * reports what a refusal taught it.
 */
export interface IntakeClock {
  offsetMs(): number | null;
  learn(offsetMs: number): void;
}

/** A clock kept in memory only (a feed bridge that is given no other). */
export function memoryClock(initial: number | null = null): IntakeClock {
  let offset = initial;
  return { offsetMs: () => offset, learn: (offsetMs) => void (offset = offsetMs) };
}

export interface SignedFetchOptions {
  baseUrl: string;
  deviceId: string;
  sign: RequestSigner;
  /** The device's clock. */
  now: () => number;
  clock: IntakeClock;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface SignedAnswer {
  response: Response;
  /** Device time when the answering request was sent and its answer came, for offset measures. */
  sentAtMs: number;
  receivedAtMs: number;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The offset an answer stamped `serverTimeMs` gives, taking the request's mid-flight as the intake's moment. */
export const offsetFrom = (serverTimeMs: number, sentAtMs: number, receivedAtMs: number) => Math.round(serverTimeMs - (sentAtMs + receivedAtMs) / 2);

/**
 * Signed requests to the intake (contract/requestSignature.ts): each one signs its method, path
 * with query, body hash, a fresh nonce and the device's clock corrected by the measured offset.
 * A request refused as stale carries the intake's time: the offset is learnt from it and the
 * request is signed again and sent once more, so a device whose clock is hours off still gets in.
 */
export function createSignedFetch(options: SignedFetchOptions) {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function once(method: 'GET' | 'POST', url: URL, body: string | undefined): Promise<SignedAnswer> {
    const sentAtMs = options.now();
    const timestamp = Math.round(sentAtMs + (options.clock.offsetMs() ?? 0));
    const nonce = newNonce();
    const pathWithQuery = url.pathname + url.search;
    const payload = requestSigningPayload({ method, pathWithQuery, deviceId: options.deviceId, nonce, bodySha256: await sha256Hex(body ?? '') });
    const signature = await options.sign(timestamp, payload);
    const response = await doFetch(url, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        [DEVICE_ID_HEADER]: options.deviceId,
        [TIMESTAMP_HEADER]: String(timestamp),
        [NONCE_HEADER]: nonce,
        [SIGNATURE_HEADER]: signature,
      },
      ...(body !== undefined ? { body } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { response, sentAtMs, receivedAtMs: options.now() };
  }

  /** Sends a signed request to `path` (with its query); a JSON body when given. Network errors throw. */
  return async function signedFetch(method: 'GET' | 'POST', path: string, body?: string): Promise<SignedAnswer> {
    const url = new URL(path, options.baseUrl);
    const first = await once(method, url, body);
    if (first.response.status !== 401) return first;
    const stale = StaleRequestResponseSchema.safeParse(await first.response.clone().json().catch(() => null));
    if (!stale.success) return first;
    options.clock.learn(offsetFrom(stale.data.serverTimeMs, first.sentAtMs, first.receivedAtMs));
    return once(method, url, body);
  };
}

export type SignedFetch = ReturnType<typeof createSignedFetch>;
