import { createHash, generateKeyPairSync, sign as nodeSign, verify, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEVICE_ID_HEADER, NONCE_HEADER, requestSigningPayload, SIGNATURE_HEADER, signedRequestText, TIMESTAMP_HEADER } from '../../contract/requestSignature';
import { createIntakeClient } from './intakeClient';
import { memoryClock } from './signedRequest';

const HOURS = 3_600_000;

function deviceKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ed25519');
}

interface Sent {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string;
}

/** A fetch that records each request and answers from `answer`. */
function recordingFetch(answer: (sent: Sent, n: number) => Response) {
  const sent: Sent[] = [];
  const fetchImpl = (async (input: URL | RequestInfo, init?: RequestInit) => {
    const request: Sent = { method: init?.method ?? 'GET', url: new URL(String(input)), headers: init?.headers as Record<string, string>, body: typeof init?.body === 'string' ? init.body : '' };
    sent.push(request);
    return answer(request, sent.length);
  }) as typeof fetch;
  return { sent, fetchImpl };
}

/** What the intake checks (intake/devices/deviceAuth.ts), with the contract's one definition. */
function verifies(sent: Sent, publicKey: KeyObject): boolean {
  const payload = requestSigningPayload({
    method: sent.method,
    pathWithQuery: sent.url.pathname + sent.url.search,
    deviceId: sent.headers[DEVICE_ID_HEADER]!,
    nonce: sent.headers[NONCE_HEADER]!,
    bodySha256: createHash('sha256').update(sent.body).digest('hex'),
  });
  return verify(null, Buffer.from(signedRequestText(sent.headers[TIMESTAMP_HEADER]!, payload)), publicKey, Buffer.from(sent.headers[SIGNATURE_HEADER]!, 'base64url'));
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const OK_BATCH = { serverTimeMs: 0, results: [] };

describe('signed requests from the device', () => {
  it('sign the method, the path with its query, the body, a fresh nonce and the time corrected by the measured offset', async () => {
    const key = deviceKey();
    const deviceNow = 1_800_000_000_000;
    const { sent, fetchImpl } = recordingFetch((request) => (request.url.pathname.endsWith('/batch') ? json(200, OK_BATCH) : json(201, {})));
    const client = createIntakeClient({
      baseUrl: 'https://intake.example/',
      deviceId: 'pad 1',
      now: () => deviceNow,
      clock: memoryClock(-5_000),
      sign: async (ts, payload) => nodeSign(null, Buffer.from(signedRequestText(ts, payload)), key.privateKey).toString('base64url'),
      fetch: fetchImpl,
    });
    await client.uploadBatch([]);
    await client.pairingStatus('123456');
    await client.feedTicket();
    expect(sent.map((s) => `${s.method} ${s.url.pathname}`)).toEqual(['POST /v1/outcomes/batch', 'GET /v1/devices/pad%201/pairing-codes/123456', 'POST /v1/devices/pad%201/feed-tickets']);
    for (const request of sent) {
      expect(verifies(request, key.publicKey)).toBe(true);
      expect(request.headers[TIMESTAMP_HEADER]).toBe(String(deviceNow - 5_000));
      expect(request.headers[NONCE_HEADER]).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    }
    expect(new Set(sent.map((s) => s.headers[NONCE_HEADER])).size).toBe(3);
    // Moved to another route, or with another body, the same signature no longer holds.
    const [batch] = sent;
    expect(verifies({ ...batch!, url: new URL('https://intake.example/v1/devices/pad%201/pairing-codes') }, key.publicKey)).toBe(false);
    expect(verifies({ ...batch!, body: '{"deviceId":"pad 1","outcomes":[1]}' }, key.publicKey)).toBe(false);
  });

  it('a device whose clock is hours off learns the intake time from the stale refusal and gets in on the one retry', async () => {
    const key = deviceKey();
    const deviceNow = 1_800_000_000_000;
    const intakeNow = deviceNow + 3 * HOURS;
    const learnt: number[] = [];
    let offset: number | null = null;
    const { sent, fetchImpl } = recordingFetch((request) =>
      Math.abs(Number(request.headers[TIMESTAMP_HEADER]) - intakeNow) > 120_000
        ? json(401, { error: { code: 'stale_request', message: 'stale' }, serverTimeMs: intakeNow })
        : json(200, { ...OK_BATCH, serverTimeMs: intakeNow }),
    );
    const client = createIntakeClient({
      baseUrl: 'https://intake.example',
      deviceId: 'pad-1',
      now: () => deviceNow,
      clock: { offsetMs: () => offset, learn: (o) => void learnt.push((offset = o)) },
      sign: async (ts, payload) => nodeSign(null, Buffer.from(signedRequestText(ts, payload)), key.privateKey).toString('base64url'),
      fetch: fetchImpl,
    });
    expect((await client.uploadBatch([])).kind).toBe('ok');
    expect(learnt).toEqual([3 * HOURS]);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.headers[NONCE_HEADER]).not.toBe(sent[0]!.headers[NONCE_HEADER]);
    // From now on it signs in the intake's time at once.
    await client.uploadBatch([]);
    expect(sent).toHaveLength(3);
  });

  it('tries once only, and not for other refusals', async () => {
    const key = deviceKey();
    const stale = recordingFetch(() => json(401, { error: { code: 'stale_request', message: 'stale' }, serverTimeMs: 0 }));
    const options = { baseUrl: 'https://intake.example', deviceId: 'pad-1', now: () => 1_800_000_000_000, sign: async (ts: number, payload: string) => nodeSign(null, Buffer.from(`${ts}.${payload}`), key.privateKey).toString('base64url') };
    expect((await createIntakeClient({ ...options, fetch: stale.fetchImpl }).uploadBatch([])).kind).toBe('unauthorized');
    expect(stale.sent).toHaveLength(2);
    const refused = recordingFetch(() => json(401, { error: { code: 'bad_signature', message: 'no' } }));
    expect((await createIntakeClient({ ...options, fetch: refused.fetchImpl }).uploadBatch([])).kind).toBe('unauthorized');
    expect(refused.sent).toHaveLength(1);
  });
});
