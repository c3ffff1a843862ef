import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningIntake } from '../server';
import { item } from '../testing/intakeHarness';
import { signedHeaders, signedRequest, uploadBatch, type TestDevice } from '../testing/signedRequests';
import { chain, newDeviceKey } from '../testing/signedOutcomes';
import { bootIntake, CASE_TOKEN, closeAll } from './securityHarness';

afterEach(closeAll);

const TOKEN = 'enrol-token-dev-1-aaaaaaaaaaaa';

async function enrolledDevice(extra: Parameters<typeof bootIntake>[0] = {}): Promise<{ intake: RunningIntake; device: TestDevice; key: ReturnType<typeof newDeviceKey> }> {
  const intake = await bootIntake({ enrolmentTokens: [{ token: TOKEN, deviceId: 'dev-1', hallCode: 'h1', expiresAtMs: Date.now() + 600_000 }], caseEventTokens: { 'dev-1': CASE_TOKEN }, ...extra });
  const key = newDeviceKey();
  expect((await intake.app.inject({ method: 'POST', url: '/v1/devices', payload: { enrolmentToken: TOKEN, deviceId: 'dev-1', publicKey: key.x } })).statusCode).toBe(201);
  return { intake, device: { deviceId: 'dev-1', privateKey: key.privateKey }, key };
}

/** Sends exactly what was captured: the same headers and body, to `url`. */
const replay = (intake: RunningIntake, method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: string) =>
  intake.app.inject({ method, url, headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, ...(payload === undefined ? {} : { payload }) });

const postCaseEvent = (intake: RunningIntake, projectNo: string) =>
  intake.app.inject({
    method: 'POST',
    url: '/v1/devices/dev-1/case-events',
    headers: { authorization: `Bearer ${CASE_TOKEN}` },
    payload: { event: 'closed', case: { projectNo, taskCode: 'T1', taskName: '事项', deptName: '部门' }, staff: { loginName: 'w5', name: '王五' } },
  });

// Finding: the device signed `${timestamp}.${body}` only, accepted for 10 minutes either way:
// a captured request worked again, and on other routes.
describe('replayed requests', () => {
  it('a captured batch request sent again is refused', async () => {
    const { intake, device, key } = await enrolledDevice();
    const body = JSON.stringify({ deviceId: 'dev-1', outcomes: chain([item(5)], key.privateKey) });
    const headers = signedHeaders(device, 'POST', '/v1/outcomes/batch', body);
    expect((await replay(intake, 'POST', '/v1/outcomes/batch', headers, body)).statusCode).toBe(200);
    const again = await replay(intake, 'POST', '/v1/outcomes/batch', headers, body);
    expect([again.statusCode, again.json().error?.code]).toEqual([401, 'replayed_request']);
  });

  it('the intake remembers what it saw across a restart', async () => {
    const dbFile = path.join(mkdtempSync(path.join(tmpdir(), 'replay-')), 'i.sqlite');
    const { intake, device, key } = await enrolledDevice({ dbFile });
    const body = JSON.stringify({ deviceId: 'dev-1', outcomes: chain([item(5)], key.privateKey) });
    const headers = signedHeaders(device, 'POST', '/v1/outcomes/batch', body);
    expect((await replay(intake, 'POST', '/v1/outcomes/batch', headers, body)).statusCode).toBe(200);
    await intake.close();
    const restarted = await bootIntake({ dbFile });
    const again = await replay(restarted, 'POST', '/v1/outcomes/batch', headers, body);
    expect([again.statusCode, again.json().error?.code]).toEqual([401, 'replayed_request']);
  });

  it('a timestamp more than 2 minutes from the intake clock is refused, with the intake time to correct by', async () => {
    const { intake, key, device } = await enrolledDevice();
    const [a, b] = chain([item(5), item(4)], key.privateKey);
    const early = await uploadBatch(intake, device, [a], { timestamp: Date.now() - 150_000 });
    expect([early.statusCode, early.json().error.code]).toEqual([401, 'stale_request']);
    const before = Date.now();
    expect(early.json().serverTimeMs).toBeGreaterThanOrEqual(before - 1000);
    const late = await uploadBatch(intake, device, [b], { timestamp: Date.now() + 150_000 });
    expect(late.json().error.code).toBe('stale_request');
    expect((await uploadBatch(intake, device, [a], { timestamp: Date.now() - 100_000 })).statusCode).toBe(200);
  });
});

describe('route confusion', () => {
  it('a batch signature moved to the pairing-code route makes no pairing code', async () => {
    const { intake, device, key } = await enrolledDevice();
    const body = JSON.stringify({ deviceId: 'dev-1', outcomes: chain([item(5)], key.privateKey) });
    const headers = signedHeaders(device, 'POST', '/v1/outcomes/batch', body);
    const moved = await replay(intake, 'POST', '/v1/devices/dev-1/pairing-codes', headers, body);
    expect(moved.statusCode).toBe(401);
    expect(intake.db.prepare('SELECT COUNT(*) AS n FROM pairing_codes').get()).toEqual({ n: 0 });
  });

  it('a signed acknowledgement of one invitation does not acknowledge another', async () => {
    const { intake, device } = await enrolledDevice();
    const first = (await postCaseEvent(intake, 'P1')).json().invitationId as string;
    const second = (await postCaseEvent(intake, 'P2')).json().invitationId as string;
    const headers = signedHeaders(device, 'POST', `/v1/devices/dev-1/invitations/${first}/ack`, '');
    const moved = await replay(intake, 'POST', `/v1/devices/dev-1/invitations/${second}/ack`, headers);
    expect(moved.statusCode).toBe(401);
    expect(intake.db.prepare('SELECT id FROM invitations WHERE acked_at IS NOT NULL').all()).toEqual([]);
  });
});

/** Reads the feed at `url` for a moment: its status and the invitations it sent. */
async function readFeed(url: string, waitMs = 400): Promise<{ status: number; ids: string[]; ended: boolean }> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  const ids: string[] = [];
  let ended = false;
  if (response.status === 200 && response.body) {
    const reader = response.body.getReader();
    const deadline = Date.now() + waitMs;
    let text = '';
    while (Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now()))]);
      if (!chunk) break;
      if (chunk.done) {
        ended = true;
        break;
      }
      text += new TextDecoder().decode(chunk.value);
    }
    for (const m of text.matchAll(/^event: invitation\ndata: (.*)$/gm)) ids.push((JSON.parse(m[1] as string) as { id: string }).id);
  }
  controller.abort();
  return { status: response.status, ids, ended };
}

// Finding: a signed feed URL worked for anyone holding it within the window, and any number of
// feeds per device ran at once: a second client received a live invitation.
describe('the invitation feed', () => {
  it('opens only with a fresh single-use ticket from a signed request', async () => {
    const { intake, device } = await enrolledDevice();
    const invitation = (await postCaseEvent(intake, 'P1')).json().invitationId as string;
    // The old way in, a URL signed in its query, is no way in.
    const ts = String(Date.now());
    const signedUrl = signedHeaders(device, 'GET', '/v1/devices/dev-1/invitations', '', { timestamp: Number(ts) });
    expect((await readFeed(`${intake.origin}/v1/devices/dev-1/invitations?ts=${ts}&sig=${signedUrl['x-signature']}`)).status).toBeGreaterThanOrEqual(400);

    const issued = await signedRequest(intake, device, 'POST', '/v1/devices/dev-1/feed-tickets');
    expect(issued.statusCode).toBe(201);
    const { ticket, expiresAtMs, serverTimeMs } = issued.json() as { ticket: string; expiresAtMs: number; serverTimeMs: number };
    expect(expiresAtMs - serverTimeMs).toBeLessThanOrEqual(60_000);
    const url = `${intake.origin}/v1/devices/dev-1/invitations?ticket=${ticket}`;
    expect(await readFeed(url)).toMatchObject({ status: 200, ids: [invitation] });
    // Used once: whoever saw the address afterwards gets nothing.
    expect((await readFeed(url)).status).toBe(401);
    // Another device's feed does not open with dev-1's ticket.
    const other = (await signedRequest(intake, device, 'POST', '/v1/devices/dev-1/feed-tickets')).json().ticket as string;
    expect((await readFeed(`${intake.origin}/v1/devices/dev-2/invitations?ticket=${other}`)).status).toBe(401);
  });

  it('keeps one live feed per device: a new one closes the one before', async () => {
    const { intake, device } = await enrolledDevice();
    const open = async () => {
      const { ticket } = (await signedRequest(intake, device, 'POST', '/v1/devices/dev-1/feed-tickets')).json() as { ticket: string };
      return readFeed(`${intake.origin}/v1/devices/dev-1/invitations?ticket=${ticket}`, 1500);
    };
    const first = open();
    await new Promise((r) => setTimeout(r, 300));
    const second = open();
    await new Promise((r) => setTimeout(r, 300));
    const invitation = (await postCaseEvent(intake, 'P9')).json().invitationId as string;
    const [a, b] = await Promise.all([first, second]);
    expect(a.ended).toBe(true);
    expect(a.ids).toEqual([]);
    expect(b.ids).toEqual([invitation]);
  });
});
