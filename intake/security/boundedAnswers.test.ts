import { afterEach, describe, expect, it } from 'vitest';
import type { RunningIntake } from '../server';
import { adminGet, enrolledIntake, HARNESS_ADMIN, item, upload } from '../testing/intakeHarness';
import { signedPost, uploadBatch } from '../testing/signedRequests';
import { chain, newDeviceKey } from '../testing/signedOutcomes';

let running: RunningIntake[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.close()));
  running = [];
});

const get = (intake: RunningIntake, url: string) => intake.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${HARNESS_ADMIN}` } });

/** Follows `next` from `first` until there is none; every page's items, in order. */
async function allPages<T>(intake: RunningIntake, first: string, items: (page: Record<string, unknown>) => T[]): Promise<{ items: T[]; pages: number }> {
  const all: T[] = [];
  let pages = 0;
  for (let url: string | null = first; url !== null; pages++) {
    const page = (await adminGet(intake, url)) as Record<string, unknown>;
    all.push(...items(page));
    const next = page.next as string | null;
    url = next === null ? null : `${first}&after=${next}`;
    if (pages > 20) throw new Error('no end of pages');
  }
  return { items: all, pages };
}

// Finding: /v1/admin/outcomes and the chain report had no LIMIT; follow-up lists stopped at 500
// with no cursor.
describe('lists are bounded and go on with a cursor', () => {
  it('a device\'s stored outcomes', async () => {
    const { intake, key } = await enrolledIntake(running);
    const outcomes = chain([5, 4, 3, 2, 1].map((level) => item(level as 1 | 2 | 3 | 4 | 5)), key.privateKey);
    await upload(intake, key, outcomes);
    const { items, pages } = await allPages(intake, '/v1/admin/outcomes?deviceId=dev-1&limit=2', (page) => page.outcomes as Array<{ id: string }>);
    expect(pages).toBe(3);
    expect(items.map((o) => o.id)).toEqual(outcomes.map((o) => o.id));
    expect((await get(intake, '/v1/admin/outcomes?deviceId=dev-1&limit=100000')).statusCode).toBe(400);
  });

  it('follow-ups, open and all', async () => {
    const { intake, key } = await enrolledIntake(running);
    const bad = chain([1, 2, 1, 2].map((level) => item(level as 1 | 2)), key.privateKey);
    await upload(intake, key, bad);
    for (const status of ['open', 'all']) {
      const { items, pages } = await allPages(intake, `/v1/admin/followups?status=${status}&limit=3`, (page) => page.followups as Array<{ outcomeId: string }>);
      expect([status, pages]).toEqual([status, 2]);
      expect(items.map((f) => f.outcomeId).sort()).toEqual(bad.map((o) => o.id).sort());
    }
  });

  it('the integrity report\'s events', async () => {
    const { intake, key } = await enrolledIntake(running);
    // Every other seq missing: a gap event for each.
    const linked = chain([1, 2, 3, 4, 5, 6].map(() => item(5)), key.privateKey);
    await upload(intake, key, linked.filter((o) => o.seq % 2 === 1));
    const { items, pages } = await allPages(intake, '/v1/admin/integrity?deviceId=dev-1&limit=1', (page) => page.events as Array<{ kind: string; seq: number }>);
    expect(pages).toBe(2);
    expect(items.map((e) => [e.kind, e.seq])).toEqual([
      ['gap', 3],
      ['gap', 5],
    ]);
  });
});

// Finding: a repeated query parameter answered 500.
describe('query strings are parsed by their schema', () => {
  it.each([
    '/v1/export?profile=anhui&profile=zhejiang',
    '/v1/export?profile=anhui&limit=1&limit=2',
    '/v1/admin/outcomes?deviceId=dev-1&deviceId=dev-2',
    '/v1/admin/outcomes/count?deviceId=dev-1&deviceId=dev-2',
    '/v1/admin/pairings?deviceId=dev-1&deviceId=dev-2',
    '/v1/admin/integrity?deviceId=dev-1&deviceId=dev-2',
    '/v1/admin/integrity/recheck?deviceId=dev-1&deviceId=dev-2',
    '/v1/admin/followups?status=open&status=all',
    '/v1/dashboard/aggregates?hall=h1&hall=h2&from=2026-11-01&to=2026-11-30',
    '/v1/public/halls/h1/display?from=2026-11-01&from=2026-11-02&to=2026-11-30',
    '/v1/devices/dev-1/invitations?ticket=a&ticket=b',
  ])('%s: a repeated parameter is a 400 naming it', async (url) => {
    const { intake } = await enrolledIntake(running);
    const response = await get(intake, url);
    expect([response.statusCode, response.json().error.code]).toEqual([400, 'invalid_query']);
  });

  it('an unknown parameter is a 400 too', async () => {
    const { intake } = await enrolledIntake(running);
    expect((await get(intake, '/v1/admin/followups?state=open')).statusCode).toBe(400);
  });
});

// Finding: an unauthenticated caller could tell enrolled device ids from unknown ones.
describe('signed requests from devices that are not enrolled', () => {
  it('get the same 401 as a bad signature of an enrolled one', async () => {
    const { intake } = await enrolledIntake(running);
    const stranger = newDeviceKey();
    const unknown = await uploadBatch(intake, { deviceId: 'dev-404', privateKey: stranger.privateKey }, []);
    const forged = await uploadBatch(intake, { deviceId: 'dev-1', privateKey: stranger.privateKey }, []);
    expect([unknown.statusCode, unknown.json()]).toEqual([forged.statusCode, forged.json()]);
    expect(unknown.statusCode).toBe(401);
    const code = await signedPost(intake, { deviceId: 'dev-404', privateKey: stranger.privateKey }, '/v1/devices/dev-404/pairing-codes');
    const forgedCode = await signedPost(intake, { deviceId: 'dev-1', privateKey: stranger.privateKey }, '/v1/devices/dev-1/pairing-codes');
    expect([code.statusCode, code.json()]).toEqual([forgedCode.statusCode, forgedCode.json()]);
  });
});
