import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sodium from 'libsodium-wrappers';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, describe, expect, it } from 'vitest';
import type { Outcome } from '../../contract/outcome';
import { startIntake, type RunningIntake } from '../server';
import { adminGet, enrolledIntake as enrolledIntakeIn, HARNESS_ADMIN as ADMIN, HARNESS_TOKEN as TOKEN, item, upload } from '../testing/intakeHarness';
import { chain, newDeviceKey, sealOutcome } from '../testing/signedOutcomes';

let running: RunningIntake[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.close()));
  running = [];
});

const enrolledIntake = (now?: () => number) => enrolledIntakeIn(running, now);

const admin = adminGet;
const report = (intake: RunningIntake) => admin(intake, '/v1/admin/integrity?deviceId=dev-1');
const stored = (intake: RunningIntake) => (intake.db.prepare('SELECT COUNT(*) AS n FROM outcomes').get() as { n: number }).n;

describe('hash chain and signatures at the intake', () => {
  it('an outcome deleted before sync shows as a gap at its seq; a late arrival closes it', async () => {
    const { intake, key } = await enrolledIntake();
    const [a, b, c] = chain([item(5), item(1), item(4)], key.privateKey);
    expect((await upload(intake, key, [a, c])).results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    const gapped = await report(intake);
    expect(gapped.gaps).toEqual([{ fromSeq: 2, toSeq: 2 }]);
    expect(gapped.events.map((e: { kind: string; seq: number }) => [e.kind, e.seq])).toEqual([['gap', 3]]);
    expect(gapped.flagged).toBeNull();

    await upload(intake, key, [b]);
    const healed = await report(intake);
    expect(healed.gaps).toEqual([]);
    expect(healed.events.map((e: { kind: string }) => e.kind)).toEqual(['gap', 'late_arrival']);
  });

  it('an outcome edited after signing is rejected and the device flagged', async () => {
    const { intake, key } = await enrolledIntake();
    const [a] = chain([item(1)], key.privateKey);
    const edited = { ...a!, level: 5, tags: [] };
    const { results } = await upload(intake, key, [edited]);
    expect(results[0]).toMatchObject({ status: 'rejected', code: 'tampered' });
    expect(stored(intake)).toBe(0);
    expect((await report(intake)).flagged.reason).toContain('tampered');
  });

  it('an outcome re-hashed but signed with another key is rejected as forged', async () => {
    const { intake, key } = await enrolledIntake();
    const forged = chain([item(5)], newDeviceKey().privateKey)[0]!;
    const { results } = await upload(intake, key, [forged]);
    expect(results[0]).toMatchObject({ status: 'rejected', code: 'bad_outcome_signature' });
    expect(stored(intake)).toBe(0);
    expect((await report(intake)).events.map((e: { kind: string }) => e.kind)).toEqual(['bad_outcome_signature']);
  });

  it('a replayed batch is all duplicates: nothing counted twice, no second follow-up', async () => {
    const { intake, key } = await enrolledIntake();
    const batch = chain([item(2), item(5), item(1)], key.privateKey);
    await upload(intake, key, batch);
    const replay = await upload(intake, key, batch);
    expect(replay.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(stored(intake)).toBe(3);
    expect((await admin(intake, '/v1/admin/followups?status=all')).followups).toHaveLength(2);
    expect((await report(intake)).events).toEqual([]);
  });

  it('a second outcome for a seq already held (a forked or rewound chain) is kept but untrusted, and the device flagged', async () => {
    const { intake, key } = await enrolledIntake();
    const [a, b] = chain([item(3), item(1)], key.privateKey);
    const rewritten = chain([item(5)], key.privateKey, a)[0]!; // same seq 2, another outcome: 删差评 by rewriting
    await upload(intake, key, [a, b]);
    expect((await upload(intake, key, [rewritten])).results[0]?.status).toBe('accepted');
    const trust = intake.db.prepare('SELECT id, trusted FROM outcomes WHERE seq = 2 ORDER BY trusted DESC').all();
    expect(trust).toEqual([{ id: b!.id, trusted: 1 }, { id: rewritten.id, trusted: 0 }]);
    const r = await report(intake);
    expect(r.events.map((e: { kind: string }) => e.kind)).toContain('fork');
    expect(r.flagged.reason).toContain('fork');
  });

  it('a chain whose links do not match is recorded as broken', async () => {
    const { intake, key } = await enrolledIntake();
    const [a] = chain([item(4)], key.privateKey);
    const stray = sealOutcome({ ...item(4), seq: 2, prevHash: 'f'.repeat(64) }, key.privateKey);
    await upload(intake, key, [a, stray]);
    expect((await report(intake)).events.map((e: { kind: string }) => e.kind)).toEqual(['chain_break']);
  });

  it('late press-burst flags attach to stored outcomes of the same device only', async () => {
    const { intake, key } = await enrolledIntake();
    const [a] = chain([item(5)], key.privateKey);
    await upload(intake, key, [a]);
    const unknown = uuidv7();
    const answer = await upload(intake, key, [], [
      { outcomeId: a!.id, flag: 'press-burst', count: 4 },
      { outcomeId: unknown, flag: 'press-burst', count: 2 },
    ]);
    expect(answer.lateFlagResults).toEqual([
      { outcomeId: a!.id, status: 'attached' },
      { outcomeId: unknown, status: 'unknown_outcome' },
    ]);
    expect(intake.db.prepare('SELECT outcome_id, flag, count FROM late_flags').all()).toEqual([{ outcome_id: a!.id, flag: 'press-burst', count: 4 }]);
  });
});

describe('差评 follow-ups and sealed callback numbers', () => {
  it('opens a follow-up per 差评 with a working-day due date; only the intake opens the sealed phone', async () => {
    // Friday 2026-09-18 10:00 in Beijing; Sunday 20 September is a make-up working day, 25–27 September
    // (Mid-Autumn) and 1–7 October are off, Saturday 10 October works: 15 working days end on 15 October.
    const receivedAt = Date.parse('2026-09-18T10:00:00+08:00');
    const { intake, key, sealingPublicKey } = await enrolledIntake(() => receivedAt);
    await sodium.ready;
    const variant = sodium.base64_variants.URLSAFE_NO_PADDING;
    const sealedPhone = sodium.to_base64(sodium.crypto_box_seal(sodium.from_string('13800138000'), sodium.from_base64(sealingPublicKey, variant)), variant);
    const [call, plain, good] = chain([item(1, { callback: { requested: true, sealedPhone } }), item(2), item(5)], key.privateKey);
    // The intake's clock is fixed in this test: the device signs by the intake's time, as it does once it has measured its offset.
    const response = await upload(intake, key, [call, plain, good], undefined, receivedAt);
    expect(response.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);

    const { followups } = await admin(intake, '/v1/admin/followups');
    const byId = new Map(followups.map((f: { outcomeId: string }) => [f.outcomeId, f]));
    expect(byId.get(call!.id)).toMatchObject({ class: 'immediate', phone: '13800138000', dueAt: '2026-09-20T15:59:59.999Z' });
    expect(byId.get(plain!.id)).toMatchObject({ class: '5wd', phone: null, dueAt: '2026-09-24T15:59:59.999Z' });
    expect(byId.has(good!.id)).toBe(false);
    // Stored bodies hold only the sealed box.
    const bodies = (intake.db.prepare('SELECT body FROM outcomes').all() as Array<{ body: string }>).map((r) => r.body).join('\n');
    expect(bodies).not.toContain('13800138000');

    const post = (id: string, payload: unknown) =>
      intake.app.inject({ method: 'POST', url: `/v1/admin/followups/${id}`, headers: { authorization: `Bearer ${ADMIN}` }, payload: payload as object });
    expect((await post(plain!.id, { class: '15wd' })).statusCode).toBe(200);
    expect((await post(plain!.id, {})).statusCode).toBe(400);
    expect((await post(plain!.id, { close: { note: '已电话回访并致歉' } })).statusCode).toBe(200);
    expect((await post(plain!.id, { close: { note: 'again' } })).statusCode).toBe(409);
    const all = (await admin(intake, '/v1/admin/followups?status=all')).followups as Array<{ outcomeId: string; class: string; dueAt: string; closedAt: string | null }>;
    expect(all.find((f) => f.outcomeId === plain!.id)).toMatchObject({ class: '15wd', dueAt: '2026-10-15T15:59:59.999Z' });
    expect((await admin(intake, '/v1/admin/followups')).followups.map((f: { outcomeId: string }) => f.outcomeId)).toEqual([call!.id]);
  });

  it('the admin page is served with a strict CSP and no inline script', async () => {
    const { intake } = await enrolledIntake();
    const page = await intake.app.inject({ method: 'GET', url: '/admin' });
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('<script src="/admin/admin.js"></script>');
    expect(page.body).not.toMatch(/<script>/);
  });
});

describe('re-checking what the intake holds', () => {
  const recheck = (intake: RunningIntake) => admin(intake, '/v1/admin/integrity/recheck?deviceId=dev-1');

  it('outcomes signed before a key rotation still verify; edits made in the intake database are named', async () => {
    const SECOND = 'token-for-dev-1-rotation';
    const intake = await startIntake({
      dbFile: path.join(mkdtempSync(path.join(tmpdir(), 'integrity-')), 'i.sqlite'),
      port: 0,
      corsOrigins: [],
      adminToken: ADMIN,
      enrolmentTokens: [
        { token: TOKEN, deviceId: 'dev-1', hallCode: 'h1', expiresAtMs: Date.now() + 60_000 },
        { token: SECOND, deviceId: 'dev-1', hallCode: 'h1', purpose: 'rotate', expiresAtMs: Date.now() + 60_000 },
      ],
      log: () => undefined,
    });
    running.push(intake);
    const enrol = (token: string, x: string) => intake.app.inject({ method: 'POST', url: '/v1/devices', payload: { enrolmentToken: token, deviceId: 'dev-1', publicKey: x } });
    const oldKey = newDeviceKey();
    expect((await enrol(TOKEN, oldKey.x)).statusCode).toBe(201);
    const before = chain([item(1), item(4), item(5)], oldKey.privateKey);
    await upload(intake, oldKey, before);

    // Re-provisioned: a new key, and the chain goes on under it.
    const newKey = newDeviceKey();
    expect((await enrol(SECOND, newKey.x)).statusCode).toBe(201);
    const after = chain([item(2), item(3)], newKey.privateKey, before[2]);
    expect((await upload(intake, newKey, after)).results.map((r) => r.status)).toEqual(['accepted', 'accepted']);

    const clean = await recheck(intake);
    expect(clean).toMatchObject({ deviceId: 'dev-1', checked: 5, verified: 5, failures: [] });
    expect(clean.keys.map((k: { publicKey: string; retiredAt: number | null }) => [k.publicKey, k.retiredAt === null])).toEqual([
      [oldKey.x, false],
      [newKey.x, true],
    ]);

    // 删差评 / 刷好评 by someone with the intake's database: the column counts read, then the body.
    intake.db.prepare('UPDATE outcomes SET level = 5 WHERE id = ?').run(before[0]!.id);
    const body = JSON.parse((intake.db.prepare('SELECT body FROM outcomes WHERE id = ?').get(after[0]!.id) as { body: string }).body);
    const rewritten = JSON.stringify({ ...body, level: 5, tags: [] });
    intake.db.prepare('UPDATE outcomes SET body = ?, body_hash = ?, level = 5 WHERE id = ?').run(rewritten, createHash('sha256').update(rewritten).digest('hex'), after[0]!.id);
    // Re-signed with the old key after it was retired: not good enough for an outcome that arrived later.
    const resigned = sealOutcome({ ...after[1]!, level: 5 }, oldKey.privateKey);
    const resignedBody = JSON.stringify(resigned);
    intake.db
      .prepare('UPDATE outcomes SET body = ?, body_hash = ?, level = 5, chain_hash = ? WHERE id = ?')
      .run(resignedBody, createHash('sha256').update(resignedBody).digest('hex'), resigned.hash, after[1]!.id);

    // A body edited in place, its stored hash left alone.
    intake.db.prepare("UPDATE outcomes SET body = replace(body, '\"level\":4', '\"level\":5') WHERE id = ?").run(before[1]!.id);

    const found = await recheck(intake);
    expect(found).toMatchObject({ checked: 5, verified: 1 });
    expect(found.failures.map((f: { seq: number; code: string }) => [f.seq, f.code])).toEqual([
      [1, 'columns_differ'],
      [2, 'body_changed'],
      [4, 'tampered'],
      [5, 'bad_outcome_signature'],
    ]);
    expect(found.failures[0].reason).toBe('level is 5, signed 1');
    expect((await intake.app.inject({ method: 'GET', url: '/v1/admin/integrity/recheck?deviceId=dev-1' })).statusCode).toBe(401);
  });

  it('a row swapped for another outcome genuinely signed by the device breaks the stored chain', async () => {
    const { intake, key } = await enrolledIntake();
    const [a, b, c] = chain([item(1), item(4), item(5)], key.privateKey);
    await upload(intake, key, [a, b, c]);
    expect(await recheck(intake)).toMatchObject({ checked: 3, verified: 3, failures: [], unverifiable: [] });
    // Seq 2 (a 差评's neighbour) replaced by a good rating signed with the device key but never in this chain.
    const swapped = chain([{ ...item(5), id: b!.id, seq: 2, invitationId: b!.invitationId }], key.privateKey, { ...a!, hash: 'f'.repeat(64) })[0]!;
    const body = JSON.stringify(swapped);
    intake.db
      .prepare('UPDATE outcomes SET body = ?, body_hash = ?, level = 5, chain_hash = ?, prev_hash = ?, dept_name = ? WHERE id = ?')
      .run(body, createHash('sha256').update(body).digest('hex'), swapped.hash, swapped.prevHash, swapped.case.deptName, b!.id);
    const found = await recheck(intake);
    expect(found.failures.map((f: { seq: number; code: string }) => [f.seq, f.code])).toEqual([
      [2, 'chain_break'],
      [3, 'chain_break'],
    ]);
  });

  it('outcomes that arrived before the oldest key the intake kept are unverifiable, not failures', async () => {
    const { intake, key } = await enrolledIntake();
    await upload(intake, key, chain([item(2), item(5)], key.privateKey));
    // As after the key-history migration on an intake whose device had rotated before: only a later key is known.
    intake.db.prepare('UPDATE device_keys SET enrolled_at = enrolled_at + 3600000').run();
    const found = await recheck(intake);
    expect(found).toMatchObject({ checked: 2, verified: 0, failures: [] });
    expect(found.unverifiable.map((u: { seq: number }) => u.seq)).toEqual([1, 2]);
    // Content edits still show without a key.
    intake.db.prepare("UPDATE outcomes SET hall_code = 'other-hall' WHERE seq = 1").run();
    expect((await recheck(intake)).failures).toEqual([expect.objectContaining({ seq: 1, code: 'columns_differ', reason: 'hall_code is other-hall, signed h1' })]);
  });
});

export type { Outcome };
