import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Person } from '../../contract/people';
import type { RunningIntake } from '../server';
import { adminGet, closedAfterEach, enrolledIntake, item, upload } from '../testing/intakeHarness';
import { cookieOf, openWork as open, signInWork as signIn, WORK_PASSWORD as PASSWORD, WORK_PEOPLE as people, workAct as act, workActOk as actOk, workGet as get, workPost as post, type WorkSession as Session } from '../testing/workSession';
import { chain } from '../testing/signedOutcomes';

const running = closedAfterEach<RunningIntake>();

let clock = Date.parse('2026-11-23T10:00:00+08:00');
const now = () => clock;

async function intakeWithBadRating(extraPeople: Person[] = []) {
  clock = Date.parse('2026-11-23T10:00:00+08:00');
  const { intake, key } = await enrolledIntake(running, now, { people: [...people, ...extraPeople] });
  const [bad] = chain([item(1)], key.privateKey);
  await upload(intake, key, [bad!], undefined, clock);
  return { intake, id: bad!.id };
}

describe('the work queue: people, sessions, CSRF and roles', () => {
  it("lets a handler see and work their own department's ticket, with the rating beside it, as the actor of the log", async () => {
    const { intake, id } = await intakeWithBadRating();
    const handler = await signIn(intake, 'handler');
    expect((await get(intake, handler, '/v1/work/session')).json().person).toEqual({ login: 'handler', name: '王经办', role: 'handler', department: '市场监督管理局', staffIds: [] });
    const list = (await get(intake, handler, '/v1/work/tickets')).json();
    expect(list.tickets.map((t: { id: string; mine: string[] }) => [t.id, t.mine])).toEqual([[id, ['contact']]]);
    const page = (await get(intake, handler, `/v1/work/tickets/${id}`)).json();
    expect(page.rating).toMatchObject({ level: 1, tags: ['213'], staff: { loginName: 'li4', name: '李四' }, case: { deptName: '市场监督管理局' } });
    expect(JSON.stringify(page.rating)).not.toMatch(/phone/i);
    const contacted = await actOk(intake, handler, id, { type: 'contact', reached: true, note: '已电话联系' });
    expect(contacted).toMatchObject({ stage: 'contacted', version: 2, mine: ['determine'] });
    expect(contacted.timeline[1]).toMatchObject({ actor: { id: 'handler', department: '市场监督管理局', role: 'handler' }, event: { type: 'contact' }, from: 'opened', to: 'contacted' });
  });

  it("refuses a handler another department's tickets (403), in the list, the page and the actions, nothing changed", async () => {
    const { intake, id } = await intakeWithBadRating();
    const other = await signIn(intake, 'other');
    expect((await get(intake, other, '/v1/work/tickets')).json().tickets).toEqual([]);
    expect((await get(intake, other, '/v1/work/tickets?department=%E5%B8%82%E5%9C%BA%E7%9B%91%E7%9D%A3%E7%AE%A1%E7%90%86%E5%B1%80')).statusCode).toBe(403);
    expect((await get(intake, other, `/v1/work/tickets/${id}`)).statusCode).toBe(403);
    const forced = await post(intake, other, `/v1/work/tickets/${id}/actions`, { version: 1, event: { type: 'contact', reached: true, note: '越权' } });
    expect(forced.statusCode).toBe(403);
    expect(forced.json().error.code).toBe('forbidden');
    expect((await adminGet(intake, `/v1/admin/tickets/${id}`)).version).toBe(1);
  });

  it('lets an upheld appeal be decided only by a reviewer who is neither the rated staff member nor of the department; the auditor verifies and changes nothing', async () => {
    const { intake, id } = await intakeWithBadRating();
    const handler = await signIn(intake, 'handler');
    await actOk(intake, handler, id, { type: 'contact', reached: true, note: '已联系' });
    await actOk(intake, handler, id, { type: 'determine', finding: 'mistaken', reason: '群众误触' });
    // The handler may not decide their own appeal.
    const appealed = await actOk(intake, handler, id, { type: 'appeal', reasons: '群众确认误操作', evidence: [] });
    expect(appealed.mine).toEqual([]);
    const self = await signIn(intake, 'li4.review');
    expect((await get(intake, self, `/v1/work/tickets/${id}`)).json().mine).toEqual([]);
    const own = await act(intake, self, id, { type: 'decide_appeal', upheld: true, reasons: '自己审自己' });
    expect(own.statusCode).toBe(403);
    expect(own.json().error.message).toMatch(/rated staff member/);
    const auditor = await signIn(intake, 'auditor');
    expect((await act(intake, auditor, id, { type: 'decide_appeal', upheld: true, reasons: '审计员不能审' })).statusCode).toBe(403);
    const reviewer = await signIn(intake, 'reviewer');
    expect((await get(intake, reviewer, '/v1/work/tickets?stage=appealed')).json().tickets.map((t: { mine: string[] }) => t.mine)).toEqual([['decide_appeal']]);
    const upheld = await actOk(intake, reviewer, id, { type: 'decide_appeal', upheld: true, reasons: '录像显示误触' });
    expect(upheld).toMatchObject({ stage: 'closed', excluded: true });
    expect(upheld.ticket.appeal.decision).toMatchObject({ upheld: true, reviewer: 'reviewer' });
    // Five ticket actions and the four sign-ins, in one chain.
    expect((await get(intake, auditor, '/v1/work/log/verify')).json()).toEqual({ ok: true, checked: 9 });
    expect((await get(intake, handler, '/v1/work/log/verify')).statusCode).toBe(403);
  });

  it('refuses a POST without the CSRF token, or with another session’s, nothing changed', async () => {
    const { intake, id } = await intakeWithBadRating();
    const handler = await signIn(intake, 'handler');
    const missing = await post(intake, handler, `/v1/work/tickets/${id}/actions`, { version: 1, event: { type: 'contact', reached: true, note: '伪造' } }, null);
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error.code).toBe('csrf_refused');
    const elsewhere = await open(intake);
    expect((await post(intake, handler, `/v1/work/tickets/${id}/actions`, { version: 1, event: { type: 'contact', reached: true, note: '伪造' } }, elsewhere.csrf)).statusCode).toBe(403);
    // The sign-in form too: a forged sign-in is refused before any password is checked.
    expect((await post(intake, elsewhere, '/v1/work/session', { login: 'handler', password: PASSWORD }, 'forged')).statusCode).toBe(403);
    expect((await adminGet(intake, `/v1/admin/tickets/${id}`)).version).toBe(1);
  });

  it('answers a wrong password 401, locks the login at that address, and admits nothing without a session', async () => {
    const { intake } = await intakeWithBadRating();
    const start = await open(intake);
    expect((await post(intake, start, '/v1/work/session', { login: 'handler', password: 'wrong' })).json().error.code).toBe('wrong_credentials');
    expect((await post(intake, start, '/v1/work/session', { login: 'nobody', password: 'wrong' })).json().error.code).toBe('wrong_credentials');
    await post(intake, start, '/v1/work/session', { login: 'handler', password: 'wrong' });
    await post(intake, start, '/v1/work/session', { login: 'handler', password: 'wrong' });
    const locked = await post(intake, start, '/v1/work/session', { login: 'handler', password: PASSWORD });
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBeDefined();
    expect((await get(intake, start, '/v1/work/tickets')).statusCode).toBe(401);
    // Ten sign-ins a minute from one address, whatever the login: the eleventh is refused before any password check.
    for (let i = 5; i < 10; i++) expect((await post(intake, start, '/v1/work/session', { login: `guess${i}`, password: 'x' })).statusCode).toBe(401);
    expect((await post(intake, start, '/v1/work/session', { login: 'guess10', password: 'x' })).json().error.code).toBe('rate_limited');
    expect((await intake.app.inject({ method: 'GET', url: '/v1/work/tickets' })).json().error.code).toBe('signed_out');
  });

  it('logs sign-ins, refused ones, the lockout and sign-outs in the hash-chained log, which the auditor reads and verifies', async () => {
    const { intake } = await intakeWithBadRating();
    const start = await open(intake);
    for (let i = 0; i < 3; i++) await post(intake, start, '/v1/work/session', { login: 'handler', password: 'wrong' });
    expect((await post(intake, start, '/v1/work/session', { login: 'handler', password: PASSWORD })).statusCode).toBe(429);
    clock += 31_000;
    const handler = await signIn(intake, 'handler');
    expect((await post(intake, handler, '/v1/work/session/end', {})).statusCode).toBe(204);
    // A sign-out with no session behind it is nobody's: nothing logged.
    expect((await post(intake, start, '/v1/work/session/end', {})).statusCode).toBe(204);

    const auditor = await signIn(intake, 'auditor');
    const page = (await get(intake, auditor, '/v1/work/log/sessions')).json();
    const handlerOf = { id: 'handler', department: '市场监督管理局', role: 'handler' };
    const tried = { id: 'handler', department: null };
    expect(page.entries.map((e: { actor: object; event: object }) => [e.actor, e.event])).toEqual([
      [{ id: 'auditor', department: null, role: 'auditor' }, { type: 'sign_in' }],
      [handlerOf, { type: 'sign_out' }],
      [handlerOf, { type: 'sign_in' }],
      [tried, { type: 'sign_in_refused', reason: 'locked' }],
      [tried, { type: 'lockout', lockedForMs: 30_000 }],
      [tried, { type: 'sign_in_refused', reason: 'wrong_credentials' }],
      [tried, { type: 'sign_in_refused', reason: 'wrong_credentials' }],
      [tried, { type: 'sign_in_refused', reason: 'wrong_credentials' }],
    ]);
    expect(page.entries[0]).toMatchObject({ address: '127.0.0.1', at: new Date(clock).toISOString() });
    expect(page.next).toBeNull();
    // A page at a time, newest first.
    const first = (await get(intake, auditor, '/v1/work/log/sessions?limit=3')).json();
    expect(first.entries.map((e: { seq: number }) => e.seq)).toEqual(page.entries.slice(0, 3).map((e: { seq: number }) => e.seq));
    const second = (await get(intake, auditor, `/v1/work/log/sessions?limit=3&before=${first.next}`)).json();
    expect(second.entries.map((e: { seq: number }) => e.seq)).toEqual(page.entries.slice(3, 6).map((e: { seq: number }) => e.seq));
    expect((await get(intake, auditor, '/v1/work/log/sessions?limit=0')).statusCode).toBe(400);
    // One chain with the ticket's opening: 1 + 8 entries.
    expect((await get(intake, auditor, '/v1/work/log/verify')).json()).toEqual({ ok: true, checked: 9 });
    // Nobody else reads it.
    expect((await get(intake, await signIn(intake, 'handler'), '/v1/work/log/sessions')).statusCode).toBe(403);

    // A session entry changed afterwards breaks the chain there.
    const lockout = page.entries[4].seq as number;
    intake.db.exec('DROP TRIGGER ticket_actions_no_update');
    intake.db.prepare('UPDATE ticket_actions SET what = ? WHERE seq = ?').run(JSON.stringify({ event: { type: 'sign_in_refused', reason: 'wrong_credentials' }, address: '127.0.0.1' }), lockout);
    expect((await get(intake, auditor, '/v1/work/log/verify')).json()).toMatchObject({ ok: false, seq: lockout, problem: 'its content does not match its hash' });
  });

  it('ends a session left unused for half an hour, and one signed out', async () => {
    const { intake } = await intakeWithBadRating();
    const handler = await signIn(intake, 'handler');
    clock += 29 * 60_000;
    const used = await get(intake, handler, '/v1/work/tickets');
    expect(used.statusCode).toBe(200);
    // Use keeps it alive: the cookie now says it was seen at the new time.
    const kept = { ...handler, cookie: cookieOf(used, handler.cookie) };
    clock += 29 * 60_000;
    expect((await get(intake, kept, '/v1/work/tickets')).statusCode).toBe(200);
    clock += 31 * 60_000;
    expect((await get(intake, kept, '/v1/work/tickets')).statusCode).toBe(401);
    const again = await signIn(intake, 'handler');
    const out = await post(intake, again, '/v1/work/session/end', {});
    expect(out.statusCode).toBe(204);
    expect((await get(intake, { ...again, cookie: cookieOf(out, again.cookie) }, '/v1/work/tickets')).statusCode).toBe(401);
  });

  it('keeps appeal evidence (PDF or image, by its first bytes, size-limited) under its SHA-256; bad files and unknown hashes change nothing', async () => {
    const { intake, id } = await intakeWithBadRating();
    const handler = await signIn(intake, 'handler');
    await actOk(intake, handler, id, { type: 'contact', reached: true, note: '已联系' });
    await actOk(intake, handler, id, { type: 'determine', finding: 'malicious', reason: '群众恶意评价' });
    const upload = (body: Buffer, type: string, s: Session = handler) =>
      intake.app.inject({ method: 'POST', url: '/v1/work/evidence', cookies: { hcp_work: s.cookie }, headers: { 'x-csrf-token': s.csrf, 'content-type': type }, payload: body });
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n');
    const kept = await upload(pdf, 'application/pdf');
    expect(kept.statusCode).toBe(201);
    const { sha256 } = kept.json();
    expect(kept.json()).toEqual({ sha256: createHash('sha256').update(pdf).digest('hex'), size: pdf.length, type: 'application/pdf' });
    const tooBig = await upload(Buffer.concat([pdf, Buffer.alloc(5 * 1024 * 1024)]), 'application/pdf');
    expect(tooBig.statusCode).toBe(413);
    const disguised = await upload(Buffer.from('GIF89a……'), 'image/png');
    expect(disguised.statusCode).toBe(415);
    expect(disguised.json().error.code).toBe('wrong_type');
    expect((await upload(pdf, 'image/jpeg')).json().error.message).toBe('the file is application/pdf, not image/jpeg as sent');
    expect((await upload(Buffer.from('GIF89a'), 'image/gif')).statusCode).toBe(415);
    expect((await upload(pdf, 'application/pdf', await signIn(intake, 'auditor'))).statusCode).toBe(403);
    expect(readdirSync(path.join(path.dirname(intake.store.db.name), 'evidence'))).toEqual([sha256]);
    const unknown = await act(intake, handler, id, { type: 'appeal', reasons: '有录像为证', evidence: ['f'.repeat(64)] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('unknown_evidence');
    expect((await adminGet(intake, `/v1/admin/tickets/${id}`)).stage).toBe('determined');
    const appealed = await actOk(intake, handler, id, { type: 'appeal', reasons: '有录像为证', evidence: [sha256] });
    expect(appealed.ticket.appeal.evidence).toEqual([sha256]);
    const reviewer = await signIn(intake, 'reviewer');
    const file = await get(intake, reviewer, `/v1/work/evidence/${sha256}`);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.rawPayload.equals(pdf)).toBe(true);
    expect((await get(intake, reviewer, `/v1/work/evidence/${'0'.repeat(64)}`)).statusCode).toBe(404);
  });

  it('refuses an illegal step (409 with the steps allowed) and a stale version (409 with the version now), nothing changed', async () => {
    const { intake, id } = await intakeWithBadRating();
    const handler = await signIn(intake, 'handler');
    const illegal = await act(intake, handler, id, { type: 'close', reason: '直接办结' });
    expect(illegal.statusCode).toBe(409);
    expect(illegal.json().error).toMatchObject({ code: 'illegal_transition', allowed: ['contact'] });
    await actOk(intake, handler, id, { type: 'contact', reached: true, note: '已联系' });
    // A second handler still holding version 1.
    const stale = await post(intake, handler, `/v1/work/tickets/${id}/actions`, { version: 1, event: { type: 'contact', reached: false, note: '未接通' } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'stale_version', version: 2, allowed: ['determine'] });
    const after = await adminGet(intake, `/v1/admin/tickets/${id}`);
    expect(after).toMatchObject({ version: 2, stage: 'contacted' });
    expect(after.timeline).toHaveLength(2);
  });

  it('shares sessions between intake nodes given the same session key, and not with one holding another key', async () => {
    const sessionKey = Buffer.alloc(32, 7);
    const a = (await enrolledIntake(running, now, { people, sessionKey })).intake;
    const b = (await enrolledIntake(running, now, { people, sessionKey })).intake;
    const c = (await enrolledIntake(running, now, { people })).intake;
    const handler = await signIn(a, 'handler');
    expect((await get(b, handler, '/v1/work/session')).json().person).toMatchObject({ login: 'handler' });
    expect((await get(c, handler, '/v1/work/session')).json().person).toBeNull();
  });

  it('keeps the admin-token routes working for machines beside the people', async () => {
    const { intake, id } = await intakeWithBadRating();
    expect((await adminGet(intake, `/v1/admin/tickets/${id}`)).stage).toBe('opened');
    expect((await intake.app.inject({ method: 'GET', url: `/v1/admin/tickets/${id}` })).statusCode).toBe(401);
  });
});
