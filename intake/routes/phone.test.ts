import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { PublicDisplayResponseSchema } from '../../contract/dashboard';
import { PhoneRatingSchema, type PhoneRating } from '../../contract/phoneRating';
import { loadSealingKeys } from '../devices/sealingKeys';
import { FUJIAN_PROFILE, toProvincial } from '../export/provinceProfiles';
import type { ProvinceAdapter } from '../forwarding/adapter';
import { createForwarder } from '../forwarding/forwarder';
import type { RatingRecord } from '../ingest/ratingRecord';
import { loadIntakeKeys } from '../phone/intakeKey';
import type { RunningIntake } from '../server';
import { enrolledIntake, HARNESS_ADMIN, item, upload } from '../testing/intakeHarness';
import { chain } from '../testing/signedOutcomes';
import { signedPost } from '../testing/signedRequests';

const running: RunningIntake[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((i) => i.close()));
});

// Tue 24 Nov 2026, 10:00 in Beijing; links last five working days (to the end of Tue 1 Dec).
let clock = Date.parse('2026-11-24T10:00:00+08:00');
const now = () => clock;

async function setup(extra = {}) {
  clock = Date.parse('2026-11-24T10:00:00+08:00');
  const outbox = path.join(mkdtempSync(path.join(tmpdir(), 'phone-')), 'sms.jsonl');
  const { intake, key } = await enrolledIntake(running, now, { publicUrl: 'https://hall.example.gov.cn', phone: { smsOutboxFile: outbox }, ...extra });
  const device = { deviceId: 'dev-1', privateKey: key.privateKey };
  const askLink = (body: unknown) => signedPost(intake, device, '/v1/devices/dev-1/case-links', body, { timestamp: clock });
  return { intake, key, device, askLink, outbox };
}

const linkRequest = (ending: { invitationId: string; case: unknown; event: string }, extra = {}) => ({
  invitationId: ending.invitationId,
  event: ending.event,
  case: ending.case,
  staff: { loginName: 'li4', name: '李四' },
  window: { hallCode: 'h1', windowNo: 'A01', windowName: '一号窗口' },
  ...extra,
});

const tokenOf = (url: string) => new URL(url).pathname.slice('/r/'.length);

function form(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const value of Array.isArray(v) ? v : [v]) params.append(k, value);
  return params.toString();
}

const post = (intake: RunningIntake, url: string, body: string, headers: Record<string, string> = {}) =>
  intake.app.inject({ method: 'POST', url, payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', ...headers } });

const phoneRows = (intake: RunningIntake) => intake.db.prepare('SELECT id, kind, channel, supersedes, counted, flags, body FROM phone_ratings ORDER BY received_at').all() as Array<{ id: string; kind: string; channel: string; supersedes: string | null; counted: number; flags: string; body: string }>;
const hallCounts = (intake: RunningIntake) =>
  intake.db.prepare("SELECT sum(total) AS total, sum(l2) AS l2, sum(unrated) AS unrated FROM dashboard_daily WHERE dim = 'hall'").get() as { total: number; l2: number; unrated: number };

describe('case-bound phone ratings (issue 24)', () => {
  it('a PAD unrated is superseded by one phone rating made with the link: both kept, one counted', async () => {
    const { intake, key, askLink } = await setup();
    const [unrated] = chain([item(5, { outcome: 'unrated', level: undefined, tags: [], input: { method: 'none', inviteToPressMs: null } })], key.privateKey);
    await upload(intake, key, [unrated], undefined, clock);
    expect(hallCounts(intake)).toMatchObject({ total: 1, unrated: 1 });

    const issued = await askLink(linkRequest(unrated!));
    expect(issued.statusCode).toBe(201);
    const { url, expiresAt } = issued.json() as { url: string; expiresAt: string };
    expect(url).toMatch(/^https:\/\/hall\.example\.gov\.cn\/r\/[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
    expect(expiresAt).toBe('2026-12-01T23:59:59.999+08:00');
    // Asking again for the same invitation gives the same link.
    expect((await askLink(linkRequest(unrated!))).json().url).toBe(url);

    const token = tokenOf(url);
    const page = await intake.app.inject({ method: 'GET', url: `/r/${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("form-action 'self'");
    expect(page.body).toContain('企业设立登记');
    expect(page.body).toContain(`name="token" value="${token}"`);

    const posted = await post(intake, `/r/${token}`, form({ token, case: unrated!.case.projectNo, level: '2', tags: ['213', '214'], comment: '等了很久', callback: 'on', phone: '138 0013 8000', lang: 'zh-CN' }));
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toBe('/phone/thanks?lang=zh-CN');

    const rows = phoneRows(intake);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'case', channel: 'qr-code', supersedes: unrated!.id, counted: 1 });
    const rating = PhoneRatingSchema.parse(JSON.parse(rows[0]!.body)) as PhoneRating;
    expect(rating).toMatchObject({ level: 2, tags: ['213', '214'], comment: '等了很久', public: false, event: 'closed', staff: { loginName: 'li4' } });
    // Signed by the intake's own key; the phone sealed to its sealing key, as a PAD seals it.
    const keys = await loadIntakeKeys(intake.store.phone);
    expect(keys.verify(rating)).toBe(true);
    expect(keys.verify({ ...rating, level: 5 })).toBe(false);
    expect((await intake.app.inject({ method: 'GET', url: '/v1/keys/phone-ratings' })).json()).toMatchObject({ keyId: rating.keyId, algorithm: 'Ed25519' });
    expect((await loadSealingKeys(intake.store.sealingKeys)).open(rating.callback.sealedPhone!)).toBe('13800138000');
    expect(rows[0]!.body).not.toContain('13800138000');
    // The PAD record is kept; the counts hold one rating of the stage.
    expect(intake.db.prepare('SELECT count(*) AS n FROM outcomes').get()).toEqual({ n: 1 });
    expect(hallCounts(intake)).toEqual({ total: 1, l2: 1, unrated: 0 });
  });

  it('refuses a used, forged, expired or other-case link and a second rating of the stage, storing nothing', async () => {
    const { intake, key, askLink } = await setup();
    const [unrated, rated] = chain(
      [item(5, { outcome: 'declined', level: undefined, tags: [], input: { method: 'none', inviteToPressMs: null } }), item(4)],
      key.privateKey,
    );
    await upload(intake, key, [unrated, rated], undefined, clock);
    const token = tokenOf((await askLink(linkRequest(unrated!))).json().url as string);
    const rate = (t: string, extra: Record<string, string> = {}) => post(intake, `/r/${t}`, form({ token: t, case: unrated!.case.projectNo, level: '5', ...extra }));

    // Altered: one character of the MAC, or of the id.
    const alteredMac = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    const alteredId = (token.startsWith('A') ? 'B' : 'A') + token.slice(1);
    for (const bad of [alteredMac, alteredId, 'not-a-link']) {
      const page = await intake.app.inject({ method: 'GET', url: `/r/${bad}` });
      expect(page.statusCode).toBe(404);
      expect(page.body).toContain('data-refusal="forged"');
      expect((await rate(bad)).statusCode).toBe(404);
    }
    // Another case's number posted with this link.
    const other = await rate(token, { case: 'P-OTHER-1' });
    expect(other.statusCode).toBe(409);
    expect(other.body).toContain('data-refusal="other-case"');
    // A post from another site.
    const cross = await post(intake, `/r/${token}`, form({ token, case: unrated!.case.projectNo, level: '5' }), { 'sec-fetch-site': 'cross-site' });
    expect(cross.statusCode).toBe(403);
    expect(phoneRows(intake)).toHaveLength(0);
    // A comment holding NUL (never typed on the page; PostgreSQL's text cannot store it): refused as a bad form.
    const nul = await rate(token, { comment: 'a\u0000b' });
    expect(nul.statusCode).toBe(400);
    expect(nul.body).toContain('data-refusal="invalid"');
    expect(phoneRows(intake)).toHaveLength(0);

    expect((await rate(token)).statusCode).toBe(303);
    const used = await rate(token);
    expect(used.statusCode).toBe(410);
    expect(used.body).toContain('data-refusal="used"');
    expect((await intake.app.inject({ method: 'GET', url: `/r/${token}` })).body).toContain('data-refusal="used"');
    expect(phoneRows(intake)).toHaveLength(1);

    // A stage the PAD rated: the link opens nothing, and a post stores nothing.
    const ratedToken = tokenOf((await askLink(linkRequest(rated!))).json().url as string);
    const already = await intake.app.inject({ method: 'GET', url: `/r/${ratedToken}` });
    expect(already.statusCode).toBe(409);
    expect(already.body).toContain('data-refusal="already-rated"');
    expect((await post(intake, `/r/${ratedToken}`, form({ token: ratedToken, case: rated!.case.projectNo, level: '1' }))).statusCode).toBe(409);

    // Expired: a link issued Tue 24 Nov is good to the end of Tue 1 Dec, not on Wed 2 Dec.
    const later = item(5, { outcome: 'unrated', level: undefined, tags: [], input: { method: 'none', inviteToPressMs: null } });
    const lateToken = tokenOf((await askLink(linkRequest(later))).json().url as string);
    clock = Date.parse('2026-12-02T00:00:01+08:00');
    const expired = await intake.app.inject({ method: 'GET', url: `/r/${lateToken}` });
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('data-refusal="expired"');
    expect((await post(intake, `/r/${lateToken}`, form({ token: lateToken, case: later.case.projectNo, level: '5' }))).statusCode).toBe(410);
    expect(phoneRows(intake)).toHaveLength(1);
  });

  it('refuses details that do not fit the level, and a device of another hall', async () => {
    const { intake, askLink } = await setup();
    const ending = item(5, { outcome: 'unrated', level: undefined, tags: [], input: { method: 'none', inviteToPressMs: null } });
    const token = tokenOf((await askLink(linkRequest(ending))).json().url as string);
    const bad = await post(intake, `/r/${token}`, form({ token, case: ending.case.projectNo, level: '5', tags: '213' }));
    expect(bad.statusCode).toBe(400);
    expect((await post(intake, `/r/${token}`, form({ token, case: ending.case.projectNo, level: '2', callback: 'on', phone: 'call me' }))).statusCode).toBe(400);
    expect(phoneRows(intake)).toHaveLength(0);
    const otherHall = await askLink(linkRequest(ending, { window: { hallCode: 'h2', windowNo: 'A01', windowName: '一号窗口' } }));
    expect(otherHall.statusCode).toBe(403);
  });

  it('hands an SMS link to the sender: one owner-only JSON line, and the rating carries pf mobile', async () => {
    const { intake, askLink, outbox } = await setup();
    const ending = item(5, { outcome: 'unrated', level: undefined, tags: [], input: { method: 'none', inviteToPressMs: null } });
    const issued = await askLink(linkRequest(ending, { delivery: 'sms', phone: '13900139000' }));
    expect(issued.statusCode).toBe(201);
    const [line] = readFileSync(outbox, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { to: string; text: string });
    expect(line).toMatchObject({ to: '13900139000' });
    expect(line!.text).toContain(issued.json().url as string);
    const token = tokenOf(issued.json().url as string);
    expect((await post(intake, `/r/${token}`, form({ token, case: ending.case.projectNo, level: '4' }))).statusCode).toBe(303);
    expect(phoneRows(intake)[0]).toMatchObject({ channel: 'mobile', supersedes: null, counted: 1 });
  });

  it('counts a stage once when the device ending reaches the intake after the phone rating', async () => {
    const { intake, key, askLink } = await setup();
    const [unrated] = chain([item(5, { outcome: 'unrated', level: undefined, tags: [], input: { method: 'none', inviteToPressMs: null } })], key.privateKey);
    // The device asked for the link, but its outbox reaches the intake only later.
    const token = tokenOf((await askLink(linkRequest(unrated!))).json().url as string);
    expect((await post(intake, `/r/${token}`, form({ token, case: unrated!.case.projectNo, level: '4' }))).statusCode).toBe(303);
    await upload(intake, key, [unrated], undefined, clock);
    expect(intake.db.prepare('SELECT count(*) AS n FROM outcomes').get()).toEqual({ n: 1 });
    expect(hallCounts(intake)).toMatchObject({ total: 1, unrated: 0 });
  });

  it('keeps a device press of a stage rated on the phone first, counts it not, follows it not, forwards it not, and notes it', async () => {
    const { intake, key, askLink } = await setup();
    await intake.store.forwarding.setDestinations([{ name: 'fujian', hallCode: 'h1' }]);
    // Another invitation of the same case stage, pressed 不满意 on a PAD that was offline.
    const ending = item(5, { outcome: 'unrated', level: undefined, tags: [], input: { method: 'none', inviteToPressMs: null } });
    const [unrated, press] = chain([ending, item(2, { invitationId: uuidv7(), tags: ['213'], case: ending.case })], key.privateKey);
    const token = tokenOf((await askLink(linkRequest(unrated!))).json().url as string);
    expect((await post(intake, `/r/${token}`, form({ token, case: unrated!.case.projectNo, level: '4' }))).statusCode).toBe(303);
    await upload(intake, key, [unrated, press], undefined, clock);
    const [phone] = phoneRows(intake);
    expect(intake.db.prepare('SELECT id, merge FROM outcomes ORDER BY seq').all()).toEqual([
      { id: unrated!.id, merge: 'second' },
      { id: press!.id, merge: 'second' },
    ]);
    const notes = intake.db.prepare("SELECT outcome_id, detail FROM integrity_events WHERE kind = 'second_rating' ORDER BY id").all() as Array<{ outcome_id: string; detail: string }>;
    expect(notes.map((n) => n.outcome_id)).toEqual([unrated!.id, press!.id]);
    expect(notes[1]!.detail).toContain(`rated on the phone first (${phone!.id}); this press (level 2) is kept, not counted`);
    expect(hallCounts(intake)).toEqual({ total: 1, l2: 0, unrated: 0 });
    expect(intake.db.prepare('SELECT count(*) AS n FROM followups').get()).toEqual({ n: 0 });
    expect(intake.db.prepare('SELECT outcome_id FROM forward_queue').all()).toEqual([{ outcome_id: phone!.id }]);
  });
});

/** A province that acknowledges every record and keeps what it got. */
function recordingProvince() {
  const sent: RatingRecord[] = [];
  const adapter: ProvinceAdapter = {
    style: 'recording',
    takesDefaultRating: false,
    check: () => null,
    send: async (rating) => {
      sent.push(rating);
      return { kind: 'ack', ackId: `ACK-${sent.length}` };
    },
  };
  return { sent, adapter };
}

const adminGet = (intake: RunningIntake, url: string) => intake.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${HARNESS_ADMIN}` } });

describe('a phone rating takes effect as a device rating does (issue 24)', () => {
  it('a phone 差评 opens its follow-up and ticket, is queued and exported once for its case stage, the superseded ending neither', async () => {
    const { intake, key, askLink } = await setup();
    await intake.store.forwarding.setDestinations([{ name: 'fujian', hallCode: 'h1' }]);
    const [unrated] = chain([item(5, { outcome: 'unrated', level: undefined, tags: [], input: { method: 'none', inviteToPressMs: null } })], key.privateKey);
    await upload(intake, key, [unrated], undefined, clock);
    expect(intake.db.prepare('SELECT outcome_id, state FROM forward_queue').all()).toEqual([{ outcome_id: unrated!.id, state: 'pending' }]);

    const token = tokenOf((await askLink(linkRequest(unrated!))).json().url as string);
    const posted = await post(intake, `/r/${token}`, form({ token, case: unrated!.case.projectNo, level: '1', tags: '109', comment: '材料退了三次', callback: 'on', phone: '13800138000' }));
    expect(posted.statusCode).toBe(303);
    const [phone] = phoneRows(intake);

    // The follow-up and ticket a PAD 差评 opens: a callback request is followed up at once.
    expect(intake.db.prepare('SELECT outcome_id, class FROM followups').all()).toEqual([{ outcome_id: phone!.id, class: 'immediate' }]);
    expect(intake.db.prepare('SELECT id, outcome_id, hall_code, department, stage FROM tickets').all()).toEqual([
      { id: phone!.id, outcome_id: phone!.id, hall_code: 'h1', department: unrated!.case.deptName, stage: 'opened' },
    ]);
    expect(JSON.parse((intake.db.prepare('SELECT state FROM tickets').get() as { state: string }).state)).toMatchObject({ realName: true, ratedStaff: ['li4'] });
    const followups = (await adminGet(intake, '/v1/admin/followups')).json() as { followups: Array<Record<string, unknown>> };
    expect(followups.followups).toEqual([expect.objectContaining({ outcomeId: phone!.id, level: 1, tags: ['109'], comment: '材料退了三次', callbackRequested: true, staff: { loginName: 'li4', name: '李四' } })]);
    // In the follow-up figures as a PAD 差评's: opened and not yet due, overdue once its working day is past, then closed late.
    const hallRow = async () =>
      ((await adminGet(intake, '/v1/dashboard/aggregates?hall=h1&from=2026-11-01&to=2026-11-30&by=hall&bucket=total')).json() as { rows: Array<{ total: number; followups: Record<string, number> }> }).rows[0];
    expect(await hallRow()).toMatchObject({ total: 1, followups: { opened: 1, closed: 0, overdue: 0, closedLate: 0 } });
    clock += 3 * 86_400_000;
    expect(await hallRow()).toMatchObject({ total: 1, followups: { opened: 1, closed: 0, overdue: 1, closedLate: 0 } });
    const closed = await intake.app.inject({ method: 'POST', url: `/v1/admin/followups/${phone!.id}`, headers: { authorization: `Bearer ${HARNESS_ADMIN}` }, payload: { close: { note: '已回访' } } });
    expect(closed.statusCode).toBe(200);
    expect(await hallRow()).toMatchObject({ total: 1, followups: { opened: 1, closed: 1, overdue: 0, closedLate: 1 } });
    clock -= 3 * 86_400_000;

    // Queued at once; the superseded ending's record refused before sending, naming the phone rating.
    const queue = intake.db.prepare('SELECT outcome_id, state, last_error, next_attempt_at FROM forward_queue ORDER BY stored_at').all() as Array<{ outcome_id: string; state: string; last_error: string | null; next_attempt_at: number }>;
    expect(queue.map((q) => [q.outcome_id, q.state])).toEqual([
      [unrated!.id, 'refused'],
      [phone!.id, 'pending'],
    ]);
    expect(queue[0]!.last_error).toContain(`superseded by the citizen's phone rating ${phone!.id}`);
    // Nobody sends the stage twice by requeueing the ending.
    const requeued = await intake.app.inject({ method: 'POST', url: `/v1/admin/forwarding/refused/${unrated!.id}/fujian/requeue`, headers: { authorization: `Bearer ${HARNESS_ADMIN}` } });
    expect(requeued.statusCode).toBe(409);
    expect(requeued.json()).toMatchObject({ error: { code: 'superseded' } });
    expect(queue[1]!.next_attempt_at).toBe(clock);

    // The province gets the stage once: the phone rating, pf 3 (QR), as the citizen rated it.
    const province = recordingProvince();
    await createForwarder(intake.store, { destinations: [{ name: 'fujian', adapter: province.adapter, concurrency: 1, ratePerSec: 1000, burst: 10 }], now, sleep: async () => undefined }).runOnce();
    expect(province.sent).toHaveLength(1);
    expect(province.sent[0]).toMatchObject({ id: phone!.id, outcome: 'rated', level: 1, channel: 'qr-code', tags: ['109'], case: { projectNo: unrated!.case.projectNo }, staff: { loginName: 'li4' } });
    expect(toProvincial(province.sent[0]!, FUJIAN_PROFILE).pf).toBe('3');
    clock += 3_600_000;
    await createForwarder(intake.store, { destinations: [{ name: 'fujian', adapter: province.adapter, concurrency: 1, ratePerSec: 1000, burst: 10 }], now, sleep: async () => undefined }).runOnce();
    expect(province.sent).toHaveLength(1);

    // The export lists the phone rating for the stage, not the ending it superseded.
    const exported = (await adminGet(intake, '/v1/export?profile=anhui')).json() as { records: Array<Record<string, unknown>> };
    expect(exported.records).toHaveLength(1);
    expect(exported.records[0]).toMatchObject({ projectNo: unrated!.case.projectNo, pf: '3', satisfaction: '1', evalDetail: '109', evaluateState: 'rated' });
  });

  it('a window QR 差评 opens a follow-up and a ticket with no staff member and goes with its flag; one kept past a limit is listed, not followed up or queued', async () => {
    const { intake, key } = await setup({ phone: { windowLimits: { perAddressPerHour: 100 } } });
    await intake.store.forwarding.setDestinations([{ name: 'fujian', hallCode: 'h1' }]);
    await upload(intake, key, chain([item(5, { invitationId: uuidv7() })], key.privateKey), undefined, clock);
    const page = await intake.app.inject({ method: 'GET', url: '/w/h1/A01' });
    const cookie = String(page.headers['set-cookie']).split(';')[0]!;
    const token = /name="token" value="([^"]+)"/.exec(page.body)![1]!;
    expect((await post(intake, '/w/h1/A01', form({ token, level: '2', tags: '213' }), { cookie })).statusCode).toBe(303);
    expect((await post(intake, '/w/h1/A01', form({ token, level: '1', tags: '109' }), { cookie })).statusCode).toBe(303);
    const [counted, flagged] = phoneRows(intake);
    expect([counted!.counted, flagged!.counted]).toEqual([1, 0]);

    expect(intake.db.prepare('SELECT outcome_id FROM followups').all()).toEqual([{ outcome_id: counted!.id }]);
    expect(JSON.parse((intake.db.prepare('SELECT state FROM tickets').get() as { state: string }).state)).toMatchObject({ ratedStaff: [], realName: false });
    const queued = intake.db.prepare('SELECT outcome_id FROM forward_queue').all() as Array<{ outcome_id: string }>;
    expect(queued.map((q) => q.outcome_id)).not.toContain(flagged!.id);
    expect(queued.map((q) => q.outcome_id)).toContain(counted!.id);

    const exported = (await adminGet(intake, '/v1/export?profile=zhejiang')).json() as { records: Array<Record<string, unknown>>; warnings: Array<{ outcomeId: string; message: string }> };
    const windowRecords = exported.records.filter((r) => r.pf === '3');
    expect(windowRecords).toHaveLength(2);
    expect(windowRecords[0]).toMatchObject({ taskCode: 'WINDOW-SERVICE', evaluatedPersonInfo: [], phoneFlags: 'window-service', satisfaction: '2' });
    expect(windowRecords[1]).toMatchObject({ phoneFlags: 'window-service,browser-repeat' });
    expect(exported.warnings.filter((w) => w.outcomeId === flagged!.id).map((w) => w.message)).toContainEqual(expect.stringContaining('not counted and not forwarded'));
  });

  it('pages the export through device and phone ratings by one cursor, none skipped or repeated', async () => {
    const { intake, key, askLink } = await setup();
    const endings = chain(
      [1, 2, 3].map(() => item(5, { invitationId: uuidv7(), outcome: 'declined', level: undefined, tags: [], input: { method: 'none', inviteToPressMs: null }, case: { ...item(5).case, projectNo: `P-${uuidv7().slice(-12)}` } })),
      key.privateKey,
    );
    const presses = chain([item(4, { invitationId: uuidv7() }), item(3, { invitationId: uuidv7() })], key.privateKey, endings[2]);
    await upload(intake, key, endings, undefined, clock);
    for (const ending of endings) {
      clock += 1000;
      const token = tokenOf((await askLink(linkRequest(ending))).json().url as string);
      expect((await post(intake, `/r/${token}`, form({ token, case: ending.case.projectNo, level: '5' }))).statusCode).toBe(303);
    }
    clock += 1000;
    await upload(intake, key, presses, undefined, clock);
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const answer = (await adminGet(intake, `/v1/export?profile=anhui&limit=2${next ? `&after=${next}` : ''}`)).json() as { records: Array<{ projectNo: string; pf: string }>; next: string | null };
      seen.push(...answer.records.map((r) => `${r.projectNo}:${r.pf}`));
      next = answer.next;
    } while (next);
    // Three phone ratings (pf 3) in place of the three superseded endings, then the two presses.
    expect(seen).toEqual([...endings.map((e) => `${e.case.projectNo}:3`), ...presses.map((p) => `${p.case.projectNo}:4`)]);
  });
});

describe('window QR ratings (issue 24)', () => {
  it('rate a known window, flag it, and keep a second rating of the day flagged and uncounted', async () => {
    const { intake, key } = await setup({ phone: { windowLimits: { perAddressPerHour: 100 } } });
    await upload(intake, key, chain([item(5, { invitationId: uuidv7() })], key.privateKey), undefined, clock);
    const before = hallCounts(intake).total;
    expect((await intake.app.inject({ method: 'GET', url: '/w/h1/Z99' })).statusCode).toBe(404);

    const page = await intake.app.inject({ method: 'GET', url: '/w/h1/A01?lang=en' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('一号窗口');
    const cookie = String(page.headers['set-cookie']).split(';')[0]!;
    const token = /name="token" value="([^"]+)"/.exec(page.body)![1]!;

    // Without the page's cookie the form token opens nothing.
    expect((await post(intake, '/w/h1/A01', form({ token, level: '5' }))).statusCode).toBe(403);
    expect((await post(intake, '/w/h1/A01', form({ token, level: '5' }), { cookie })).statusCode).toBe(303);
    expect((await post(intake, '/w/h1/A01', form({ token, level: '1' }), { cookie })).statusCode).toBe(303);
    const rows = phoneRows(intake);
    expect(rows.map((r) => [r.kind, r.channel, r.counted, JSON.parse(r.flags)])).toEqual([
      ['window', 'qr-code', 1, ['window-service']],
      ['window', 'qr-code', 0, ['window-service', 'browser-repeat']],
    ]);
    expect(hallCounts(intake).total).toBe(before + 1);

    // The dashboard counts the channels apart: one device rating, one counted window rating and one kept flagged.
    const channels = await intake.app.inject({ method: 'GET', url: '/v1/dashboard/channels?hall=h1&from=2026-11-01&to=2026-11-30', headers: { authorization: `Bearer ${HARNESS_ADMIN}` } });
    expect(channels.json()).toEqual({ hall: 'h1', from: '2026-11-01', to: '2026-11-30', device: 1, phone: [{ channel: 'qr-code', kind: 'window', counted: 1, flagged: 1 }] });
    expect((await intake.app.inject({ method: 'GET', url: '/v1/dashboard/channels?hall=h1&from=2026-11-01&to=2026-11-30' })).statusCode).toBe(401);
    // The public display shows the counted ones only, with no token.
    const display = await intake.app.inject({ method: 'GET', url: '/v1/public/halls/h1/display?from=2026-11-01&to=2026-11-30' });
    expect(display.statusCode).toBe(200);
    expect(PublicDisplayResponseSchema.parse(display.json()).channels).toEqual({ device: 1, phone: [{ channel: 'qr-code', kind: 'window', counted: 1 }] });
  });
});
