import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { OutcomeSchema } from '../../contract/outcome';
import { GENESIS_HASH, outcomeHashInput, signedBytes } from '../../contract/outcomeChain';
import { loadOrCreateDeviceKey } from '../device/deviceKey';
import { makeInvitation, recordOutcome, testContext } from '../testing/fixtures';
import { openEvaluatorDb, type EvaluatorDb } from './db';
import { loadPendingInvitations, storeInvitation } from './invitations';
import { AlreadyEnded, listOutbox, NothingToAmend, type SealedEnding } from './outbox';

const rated: SealedEnding = {
  outcome: 'rated',
  level: 1,
  tags: ['113', '115'],
  comment: '跑了三个窗口',
  isPublic: false,
  callback: { requested: true, sealedPhone: 'S'.repeat(79) },
  input: { method: 'touch', inviteToPressMs: 2100 },
};
const ctx = { context: testContext, clockOffsetMs: null, nowMs: Date.UTC(2026, 10, 22, 2, 0, 0) };

let opened: EvaluatorDb[] = [];
let dbName = '';
function open(): EvaluatorDb {
  const db = openEvaluatorDb(dbName);
  opened.push(db);
  return db;
}

describe('outbox', () => {
  afterEach(async () => {
    opened.forEach((db) => db.close());
    opened = [];
  });

  it('writes a complete, schema-valid outcome bound to the case, staff and window', async () => {
    dbName = `outbox-${crypto.randomUUID()}`;
    const db = open();
    const invitation = makeInvitation();
    await storeInvitation(db, invitation);
    const outcome = await recordOutcome(db, invitation, rated, ctx);
    expect(OutcomeSchema.safeParse(outcome).success).toBe(true);
    expect(outcome).toMatchObject({
      seq: 1,
      deviceId: 'test-pad-a01',
      invitationId: invitation.id,
      outcome: 'rated',
      level: 1,
      tags: ['113', '115'],
      public: false,
      channel: 'hall-pad',
      case: invitation.case,
      staff: invitation.staff,
      window: { hallCode: 'test-hall', windowNo: 'A01', windowName: '综合受理 1 号窗口' },
      questionSetVersion: 'national-2023',
    });
    expect(outcome.ratedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/);
    expect(await listOutbox(open())).toEqual([outcome]);
    expect(await loadPendingInvitations(db)).toEqual([]);
  });

  it('keeps one outcome per invitation even when asked twice at once', async () => {
    dbName = `outbox-${crypto.randomUUID()}`;
    const db = open();
    const invitation = makeInvitation();
    const [a, b] = await Promise.all([
      recordOutcome(db, invitation, rated, ctx),
      recordOutcome(db, invitation, { ...rated, level: 2, tags: [] }, ctx),
    ]);
    expect(b).toEqual(a);
    expect(await db.outbox.count()).toBe(1);
    const again = await recordOutcome(db, invitation, { ...rated, level: 2, tags: [] }, ctx);
    expect(again.id).toBe(a.id);
    expect(again.level).toBe(1);
  });

  it('numbers outcomes gaplessly under concurrent writes and across reopened databases', async () => {
    dbName = `outbox-${crypto.randomUUID()}`;
    const first = open();
    await Promise.all(Array.from({ length: 30 }, () => recordOutcome(first, makeInvitation(), rated, ctx)));
    first.close();
    const second = open();
    for (let i = 0; i < 5; i++) await recordOutcome(second, makeInvitation(), rated, ctx);
    second.close();
    const third = open();
    await Promise.all(Array.from({ length: 15 }, () => recordOutcome(third, makeInvitation(), rated, ctx)));
    const seqs = (await listOutbox(third)).map((o) => o.seq);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('refuses an outcome that breaks the contract and writes nothing', async () => {
    dbName = `outbox-${crypto.randomUUID()}`;
    const db = open();
    const bad: SealedEnding = { ...rated, comment: '长'.repeat(151) };
    await expect(recordOutcome(db, makeInvitation(), bad, ctx)).rejects.toThrow();
    expect(await db.outbox.count()).toBe(0);
    expect(await db.meta.get('chainHead')).toBeUndefined();
    const ok = await recordOutcome(db, makeInvitation(), rated, ctx);
    expect(ok.seq).toBe(1);
  });

  it('chains every outcome to the one before and signs its hash with the device key', async () => {
    dbName = `outbox-${crypto.randomUUID()}`;
    const db = open();
    for (let i = 0; i < 4; i++) await recordOutcome(db, makeInvitation(), rated, ctx);
    const outcomes = await listOutbox(db);
    const { publicKey } = await loadOrCreateDeviceKey(db);
    let prev = GENESIS_HASH;
    for (const outcome of outcomes) {
      expect(outcome.prevHash).toBe(prev);
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(outcomeHashInput(outcome))));
      expect(Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')).toBe(outcome.hash);
      const signature = Uint8Array.from(atob(outcome.signature.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
      expect(await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, signature, signedBytes(outcome.hash) as BufferSource)).toBe(true);
      prev = outcome.hash;
    }
  });

  it('keeps one gapless chain when two tabs write at once', async () => {
    dbName = `outbox-${crypto.randomUUID()}`;
    const [tabA, tabB] = [open(), open()];
    await Promise.all([
      ...Array.from({ length: 10 }, () => recordOutcome(tabA, makeInvitation(), rated, ctx)),
      ...Array.from({ length: 10 }, () => recordOutcome(tabB, makeInvitation(), rated, ctx)),
    ]);
    const outcomes = await listOutbox(open());
    expect(outcomes.map((o) => o.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    outcomes.forEach((o, i) => expect(o.prevHash).toBe(i === 0 ? GENESIS_HASH : outcomes[i - 1]!.hash));
  });

  it('flags what it sees when writing: unpaired, fast press, the same case again, a run after login, a colleague credited', async () => {
    dbName = `outbox-${crypto.randomUUID()}`;
    const db = open();
    // A shift that ends twelve hours from now, so the runs below never count as a burst at shift end.
    const later = new Date(Date.now() + 12 * 3_600_000);
    const shiftEnd = `${String(later.getHours()).padStart(2, '0')}:${String(later.getMinutes()).padStart(2, '0')}`;
    const policies = { ...testContext.policies, anomalies: { ...testContext.policies.anomalies, shiftEnd } };
    const midShift = { ...ctx, context: { ...testContext, policies } };
    const good: SealedEnding = { outcome: 'rated', level: 5, tags: [], isPublic: true, callback: { requested: false }, input: { method: 'touch', inviteToPressMs: 2000 } };
    const invitation = makeInvitation();
    expect((await recordOutcome(db, invitation, good, midShift)).flags).toEqual(['unpaired']);
    const session = (pairedAtMs: number) => ({ staff: { loginName: invitation.staff.loginName, name: invitation.staff.name }, pairedAtMs, via: 'login-event' as const });
    const paired = { ...midShift, signedIn: session(Date.now() - 60 * 60_000) };
    const fast = { ...good, input: { method: 'serial' as const, inviteToPressMs: 150 } };
    expect((await recordOutcome(db, makeInvitation({ case: { ...invitation.case, projectNo: 'OTHER-1' } }), fast, paired)).flags).toEqual(['fast-press']);
    // Same case and event as the first outcome.
    expect((await recordOutcome(db, makeInvitation({ case: invitation.case }), good, paired)).flags).toContain('same-case-again');
    // Three ratings within two minutes, five minutes after a login.
    const justLoggedIn = { ...midShift, signedIn: session(Date.now() - 5 * 60_000) };
    const run = await recordOutcome(db, makeInvitation({ case: { ...invitation.case, projectNo: 'OTHER-2' } }), good, justLoggedIn);
    expect(run.flags).toEqual(['burst-after-login']);
    // The case event credits a colleague, not the staff member signed in at this window.
    const colleague = makeInvitation({ case: { ...invitation.case, projectNo: 'OTHER-3' }, staff: { loginName: 'colleague', name: '同事' } });
    const credited = await recordOutcome(db, colleague, good, paired);
    expect(credited.flags).toEqual(['staff-mismatch']);
    expect(credited.staff.loginName).toBe('colleague');
    expect(credited.signedIn).toMatchObject({ staff: { loginName: invitation.staff.loginName }, via: 'login-event' });
    expect((await recordOutcome(db, makeInvitation({ case: { ...invitation.case, projectNo: 'OTHER-4' } }), good, paired)).flags).toEqual([]);
  });

  it('restores pending invitations oldest first with their first-shown time', async () => {
    dbName = `outbox-${crypto.randomUUID()}`;
    const db = open();
    const late = makeInvitation({ receivedAtMs: 2000 });
    const early = makeInvitation({ receivedAtMs: 1000 });
    const done = makeInvitation({ receivedAtMs: 500 });
    await storeInvitation(db, late);
    await storeInvitation(db, early);
    await storeInvitation(db, done);
    await db.invitations.update(early.id, { firstShownAtMs: 1500 });
    await recordOutcome(db, done, rated, ctx);
    expect(await storeInvitation(db, done)).toBeNull();
    const pending = await loadPendingInvitations(open());
    expect(pending.map((p) => [p.invitation.id, p.firstShownAtMs])).toEqual([
      [early.id, 1500],
      [late.id, undefined],
    ]);
  });
  it('links what follows a press to it: details amend the press, a second write of the same amendment returns the first, and nothing amends an invitation without a press', async () => {
    dbName = `outbox-${crypto.randomUUID()}`;
    const db = open();
    const invitation = makeInvitation();
    await storeInvitation(db, invitation);
    const press: SealedEnding = { outcome: 'rated', level: 2, tags: [], isPublic: true, callback: { requested: false }, input: { method: 'touch', inviteToPressMs: 900 } };
    await expect(recordOutcome(db, invitation, { ...press, amends: { kind: 'details' } }, ctx)).rejects.toBeInstanceOf(NothingToAmend);
    const pressed = await recordOutcome(db, invitation, press, ctx);
    expect(await loadPendingInvitations(db)).toEqual([]);
    const details = { ...rated, level: 2 as const, tags: ['213'], amends: { kind: 'details' as const } };
    const amended = await recordOutcome(db, invitation, details, ctx);
    expect(amended).toMatchObject({ seq: 2, prevHash: pressed.hash, tags: ['213'], amends: { outcomeId: pressed.id, kind: 'details' } });
    expect(OutcomeSchema.safeParse(amended).success).toBe(true);
    expect(await recordOutcome(db, invitation, details, ctx)).toEqual(amended);
    // The invitation stays ended: a second press (another tab, a resend) returns the first press,
    // and a different choice leaves a trace on it; a retry of the same write does not.
    expect(await recordOutcome(db, invitation, press, ctx)).toEqual(pressed);
    expect(await db.lateFlags.toArray()).toEqual([]);
    expect(await recordOutcome(db, invitation, { ...press, level: 5 }, ctx)).toEqual(pressed);
    expect(await db.lateFlags.toArray()).toEqual([{ outcomeId: pressed.id, flag: 'press-burst', count: 1 }]);
    expect((await listOutbox(db)).map((o) => o.seq)).toEqual([1, 2]);
  });

  it('a withdrawal opens the invitation again for a new press, which is a new round of its own', async () => {
    dbName = `outbox-${crypto.randomUUID()}`;
    const db = open();
    const invitation = makeInvitation();
    await storeInvitation(db, invitation);
    const press: SealedEnding = { outcome: 'rated', level: 1, tags: [], isPublic: true, callback: { requested: false }, input: { method: 'touch', inviteToPressMs: 900 } };
    const first = await recordOutcome(db, invitation, press, ctx);
    const withdrawal = await recordOutcome(db, invitation, { ...press, amends: { kind: 'withdrawal' } }, ctx);
    expect(withdrawal.amends).toEqual({ outcomeId: first.id, kind: 'withdrawal' });
    expect((await loadPendingInvitations(db)).map((p) => p.invitation.id)).toEqual([invitation.id]);
    const second = await recordOutcome(db, invitation, { ...press, level: 4 }, ctx);
    expect(second).toMatchObject({ seq: 3, level: 4 });
    // The withdrawn press is no earlier rating of the case: the new press is not flagged for it.
    expect(second.flags).not.toContain('same-case-again');
    expect(second.id).not.toBe(first.id);
    await expect(recordOutcome(db, invitation, { ...press, amends: { kind: 'withdrawal' } }, ctx)).resolves.toMatchObject({ seq: 4, amends: { outcomeId: second.id } });
  });
  it('an invitation whose record was acknowledged and left the outbox is never ended twice: a late press on another screen is noted, not recorded', async () => {
    dbName = `outbox-${crypto.randomUUID()}`;
    const db = open();
    const invitation = makeInvitation();
    await storeInvitation(db, invitation);
    const first = await recordOutcome(db, invitation, { ...rated, level: 5, tags: [], callback: { requested: false } }, ctx);
    await db.outbox.clear(); // acknowledged by the intake
    await expect(recordOutcome(db, invitation, { outcome: 'unrated', tags: [], isPublic: true, callback: { requested: false }, input: { method: 'none', inviteToPressMs: null } }, ctx)).rejects.toBeInstanceOf(AlreadyEnded);
    await expect(recordOutcome(db, invitation, { ...rated, level: 1 }, ctx)).rejects.toBeInstanceOf(AlreadyEnded);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.lateFlags.toArray()).toEqual([{ outcomeId: first.id, flag: 'press-burst', count: 1 }]);
  });
  it('writes ratedAt by the wall clock in the hall\'s time zone, whatever zone and page clock the device has', async () => {
    dbName = `outbox-${crypto.randomUUID()}`;
    const db = open();
    const invitation = makeInvitation();
    await storeInvitation(db, invitation);
    const hallContext = { ...testContext, hall: { ...testContext.hall, timeZone: 'Asia/Shanghai' } };
    const wallMs = Date.UTC(2026, 10, 22, 8, 20, 5, 123);
    const outcome = await recordOutcome(db, invitation, { ...rated, level: 5, tags: [], callback: { requested: false } }, { context: hallContext, clockOffsetMs: 1500, nowMs: 42.5, wallMs });
    expect(outcome.ratedAt).toBe('2026-11-22T16:20:05.123+08:00');
    expect(outcome).toMatchObject({ monotonicMs: 42.5, clockOffsetMs: 1500 });
  });
});
