import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { openEvaluatorDb, type EvaluatorDb } from '../data/db';
import { isoWithOffset } from '../lib/time';
import { makeInvitation, testContext, testPolicies } from '../testing/fixtures';
import { createFlowStore, type FlowStore } from './flowStore';

/** A hand-driven clock and timer list, so timeouts run without waiting. */
function manualClock(start = 1_000_000) {
  let now = start;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let nextId = 1;
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimer: (id: unknown) => void timers.delete(id as number),
    advance(ms: number) {
      now += ms;
      for (const [id, timer] of [...timers]) {
        if (timer.at <= now) {
          timers.delete(id);
          timer.fn();
        }
      }
    },
    armed: () => timers.size,
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
async function until(store: FlowStore, screen: string) {
  for (let i = 0; i < 200 && store.getState().flow.screen.name !== screen; i++) await settle();
  expect(store.getState().flow.screen.name).toBe(screen);
}

let cleanup: Array<() => void> = [];
afterEach(() => {
  cleanup.forEach((fn) => fn());
  cleanup = [];
});

function setup(name = `flow-${crypto.randomUUID()}`) {
  const db = openEvaluatorDb(name);
  const clock = manualClock();
  const acks: string[] = [];
  const store = createFlowStore({ db, now: clock.now, setTimer: clock.setTimer, clearTimer: clock.clearTimer, ackInvitation: (id) => acks.push(id) });
  cleanup.push(() => {
    store.dispose();
    db.close();
  });
  return { db, clock, store, acks, name };
}

describe('flow store', () => {
  it('shows thanks only after the outcome is readable from another connection', async () => {
    const { store, name } = setup();
    await store.setContext(testContext);
    const invitation = makeInvitation();
    await store.receiveInvitation(invitation);
    const observer: EvaluatorDb = openEvaluatorDb(name);
    cleanup.push(() => observer.close());
    const countsSeenAtThanks: Promise<number>[] = [];
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.flow.screen.name === 'thanks' && previous.flow.screen.name !== 'thanks') countsSeenAtThanks.push(observer.outbox.count());
    });
    store.getState().send({ type: 'PRESS', level: 4, method: 'touch' });
    expect(store.getState().flow.screen.name).toBe('saving');
    await until(store, 'thanks');
    unsubscribe();
    expect(await Promise.all(countsSeenAtThanks)).toEqual([1]);
  });

  it('acknowledges an invitation to the host only after storing it, and never shows one twice', async () => {
    const { store, db, acks } = setup();
    await store.setContext(testContext);
    const invitation = makeInvitation();
    await store.receiveInvitation(invitation);
    expect(acks).toEqual([invitation.id]);
    expect((await db.invitations.get(invitation.id))?.state).toBe('pending');
    store.getState().send({ type: 'PRESS', level: 5, method: 'keyboard' });
    await until(store, 'thanks');
    await store.receiveInvitation(invitation); // the host resent it: ack lost on the way
    expect(acks).toEqual([invitation.id, invitation.id]);
    expect(store.getState().flow.queue).toEqual([]);
    expect(await db.outbox.count()).toBe(1);
  });

  it('arms the timers: unrated after the invite timeout, idle after thanks', async () => {
    const { store, clock, db } = setup();
    await store.setContext(testContext);
    await store.receiveInvitation(makeInvitation());
    expect(clock.armed()).toBe(1);
    clock.advance(testPolicies.inviteTimeoutSec * 1000 - 1);
    expect(store.getState().flow.screen.name).toBe('rating');
    clock.advance(1);
    await until(store, 'thanks');
    const [outcome] = await db.outbox.toArray();
    expect(outcome).toMatchObject({ outcome: 'unrated', input: { method: 'none', inviteToPressMs: null } });
    expect(outcome?.level).toBeUndefined();
    clock.advance(testPolicies.thanksSec * 1000);
    expect(store.getState().flow.screen.name).toBe('idle');
    expect(clock.armed()).toBe(0);
  });

  it('restores a half-done invitation after a reload with its original deadline', async () => {
    const first = setup();
    await first.store.setContext(testContext);
    const invitation = makeInvitation();
    await first.store.receiveInvitation(invitation);
    await settle(); // markShown is written in the background
    first.clock.advance(20_000);
    first.store.dispose();
    first.db.close();

    const second = setup(first.name);
    await second.store.restore();
    expect(second.store.getState().context).toEqual(testContext);
    const screen = second.store.getState().flow.screen;
    expect(screen.name).toBe('rating');
    expect(screen.name === 'rating' && screen.deadlineMs).toBe(1_000_000 + testPolicies.inviteTimeoutSec * 1000);
  });

  it('keeps a failed write on screen and retries it until it lands; out of space, it frees what it may and tries once more first', async () => {
    const { store, db, clock } = setup();
    await store.setContext(testContext);
    await store.receiveInvitation(makeInvitation());
    const realAdd = db.outbox.add.bind(db.outbox);
    let failures = 5;
    let attempts = 0;
    db.outbox.add = ((...args: Parameters<typeof realAdd>) => {
      attempts++;
      if (failures-- > 0) return Promise.reject(new DOMException('disk full', 'QuotaExceededError'));
      return realAdd(...args);
    }) as typeof db.outbox.add;
    store.getState().send({ type: 'PRESS', level: 3, method: 'touch' });
    await until(store, 'saveFailed');
    expect(attempts).toBe(2); // the write, then once more after pruning
    expect(store.getState().lastError).toMatch(/QuotaExceeded|disk full/);
    expect(await db.outbox.count()).toBe(0);
    clock.advance(2000);
    await until(store, 'saveFailed');
    expect(attempts).toBe(4);
    clock.advance(2000);
    await until(store, 'thanks');
    expect(await db.outbox.count()).toBe(1);
    expect((await db.meta.get('chainHead'))?.value).toMatchObject({ seq: 1 });
  });

  it('stores the report of each new invitation with it, and cues the uploader; none before a context is known', async () => {
    const db = openEvaluatorDb(`flow-${crypto.randomUUID()}`);
    const clock = manualClock();
    let cues = 0;
    const store = createFlowStore({ db, now: clock.now, setTimer: clock.setTimer, clearTimer: clock.clearTimer, onInvitationStored: () => cues++, clockOffsetMs: () => -42 });
    cleanup.push(() => {
      store.dispose();
      db.close();
    });
    const early = makeInvitation();
    await store.receiveInvitation(early);
    expect(await db.invitationReports.count()).toBe(0);
    await store.setContext(testContext);
    const invitation = makeInvitation();
    await store.receiveInvitation(invitation);
    await store.receiveInvitation(invitation);
    expect((await db.invitationReports.toArray()).map((r) => [r.invitationId, r.report.windowNo, r.report.clockOffsetMs])).toEqual([[invitation.id, testContext.window.no, -42]]);
    // Every receipt of a pending invitation cues the uploader; a cue with nothing queued sends nothing.
    expect(cues).toBe(3);
  });

  it('out of space for an invitation, frees what it may and stores it on the second try', async () => {
    const { store, db, acks } = setup();
    await store.setContext(testContext);
    const realAdd = db.invitations.add.bind(db.invitations);
    let attempts = 0;
    db.invitations.add = ((...args: Parameters<typeof realAdd>) => {
      attempts++;
      if (attempts === 1) return Promise.reject(new DOMException('disk full', 'QuotaExceededError'));
      return realAdd(...args);
    }) as typeof db.invitations.add;
    const invitation = makeInvitation();
    await store.receiveInvitation(invitation);
    expect(attempts).toBe(2);
    expect((await db.invitations.get(invitation.id))?.state).toBe('pending');
    expect(acks).toEqual([invitation.id]);
    expect(store.getState().flow.screen.name).toBe('rating');
  });

  it('an invitation that cannot be stored is shown all the same, not acknowledged, and said to staff; its rating is durable and a resend is not shown again', async () => {
    const db = openEvaluatorDb(`flow-${crypto.randomUUID()}`);
    const clock = manualClock();
    const acks: string[] = [];
    const failures: Array<{ what: string; error: string }> = [];
    const store = createFlowStore({ db, now: clock.now, setTimer: clock.setTimer, clearTimer: clock.clearTimer, ackInvitation: (id) => acks.push(id), onWriteFailed: (f) => failures.push(f) });
    cleanup.push(() => {
      store.dispose();
      db.close();
    });
    await store.setContext(testContext);
    const realAdd = db.invitations.add.bind(db.invitations);
    db.invitations.add = (() => Promise.reject(new DOMException('disk full', 'QuotaExceededError'))) as unknown as typeof db.invitations.add;
    const invitation = makeInvitation();
    await store.receiveInvitation(invitation);
    // The host keeps what was not acknowledged; the citizen is asked anyway; staff can see why.
    expect(acks).toEqual([]);
    expect(failures).toEqual([expect.objectContaining({ what: 'invitation', error: expect.stringMatching(/QuotaExceeded/) })]);
    expect(store.getState().lastError).toMatch(/disk full/);
    expect(store.getState().flow.screen.name).toBe('rating');
    db.invitations.add = realAdd;
    store.getState().send({ type: 'PRESS', level: 4, method: 'touch' });
    await until(store, 'thanks');
    expect((await db.outbox.toArray()).map((o) => [o.invitationId, o.level])).toEqual([[invitation.id, 4]]);
    // The host sends it again (it was never acknowledged): known and ended, it is acknowledged, not shown.
    await store.receiveInvitation(invitation);
    expect(acks).toEqual([invitation.id]);
    clock.advance(testPolicies.thanksSec * 1000);
    await until(store, 'idle');
    expect(await db.outbox.count()).toBe(1);
  });

  it('records a 20-press burst as one outcome and notes the extra presses', async () => {
    const { store, db, clock } = setup();
    await store.setContext(testContext);
    const invitation = makeInvitation();
    await store.receiveInvitation(invitation);
    for (let i = 0; i < 20; i++) store.getState().send({ type: 'PRESS', level: 5, method: 'touch' });
    await until(store, 'thanks');
    clock.advance(testPolicies.thanksSec * 1000);
    await settle();
    expect(await db.outbox.count()).toBe(1);
    const row = await db.invitations.get(invitation.id);
    expect(row?.extraPresses).toBe(19);
    // The outcome was signed at the first press; the burst goes up as a late flag for it.
    expect(await db.lateFlags.toArray()).toEqual([{ outcomeId: row?.outcomeId, flag: 'press-burst', count: 19 }]);
  });

  it('records a 差评 with a callback even when the phone cannot be sealed, and says why the number is gone', async () => {
    const { store, db, clock } = setup();
    await store.setContext(testContext); // no intake, so no sealing key
    await store.receiveInvitation(makeInvitation());
    store.getState().send({ type: 'PRESS', level: 1, method: 'touch' });
    await until(store, 'details');
    clock.advance(1000);
    store.getState().send({ type: 'TOGGLE_TAG', code: '113' });
    store.getState().send({ type: 'SET_CALLBACK', value: true });
    store.getState().send({ type: 'SET_PHONE', value: '13800138000' });
    store.getState().send({ type: 'SUBMIT' });
    await until(store, 'thanks');
    const [press, details, ...more] = await db.outbox.orderBy('seq').toArray();
    expect(more).toEqual([]);
    expect(press).toMatchObject({ outcome: 'rated', level: 1, tags: [], callback: { requested: false } });
    expect(press).not.toHaveProperty('amends');
    expect(details).toMatchObject({ level: 1, tags: ['113'], callback: { requested: true }, amends: { outcomeId: press!.id, kind: 'details' } });
    expect(details?.callback).not.toHaveProperty('sealedPhone');
    expect(JSON.stringify([press, details])).not.toContain('13800138000');
    expect(store.getState().lastError).toMatch(/callback phone not kept: no intake sealing key/);
  });

  it('a 差评 press is durable before the details screen paints; a reload there leaves it standing and never shows the case again', async () => {
    const { store, db, name } = setup();
    await store.setContext(testContext);
    const invitation = makeInvitation();
    await store.receiveInvitation(invitation);
    const observer: EvaluatorDb = openEvaluatorDb(name);
    cleanup.push(() => observer.close());
    const seenAtDetails: Promise<number>[] = [];
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.flow.screen.name === 'details' && previous.flow.screen.name !== 'details') seenAtDetails.push(observer.outbox.count());
    });
    store.getState().send({ type: 'PRESS', level: 1, method: 'touch' });
    await until(store, 'details');
    unsubscribe();
    expect(await Promise.all(seenAtDetails)).toEqual([1]);
    // The page dies on the details screen: a new page on the same database restores nothing to rate.
    store.dispose();
    const again = setup(name);
    await again.store.setContext(testContext);
    await again.store.restore();
    await settle();
    expect(again.store.getState().flow.screen.name).toBe('idle');
    expect(await db.outbox.toArray()).toMatchObject([{ invitationId: invitation.id, outcome: 'rated', level: 1 }]);
  });

  it('a withdrawn press (返回) opens the invitation again: after a reload it is rated afresh, and the chain holds press, withdrawal and the new rating', async () => {
    const { store, db, clock, name } = setup();
    await store.setContext(testContext);
    const invitation = makeInvitation();
    await store.receiveInvitation(invitation);
    store.getState().send({ type: 'PRESS', level: 2, method: 'touch' });
    await until(store, 'details');
    clock.advance(1000);
    store.getState().send({ type: 'BACK' });
    await until(store, 'rating');
    store.dispose();
    const again = setup(name);
    await again.store.setContext(testContext);
    await again.store.restore();
    await until(again.store, 'rating');
    again.store.getState().send({ type: 'PRESS', level: 4, method: 'touch' });
    await until(again.store, 'thanks');
    const records = await db.outbox.orderBy('seq').toArray();
    expect(records.map((r) => [r.level, r.amends?.kind ?? null])).toEqual([
      [2, null],
      [2, 'withdrawal'],
      [4, null],
    ]);
    expect(records[1]?.amends?.outcomeId).toBe(records[0]?.id);
    expect(new Set(records.map((r) => r.invitationId))).toEqual(new Set([invitation.id]));
  });

  it('an invitation received long after its case event (the host was down all night) is recorded as expired, never shown', async () => {
    const { store, db, clock } = setup();
    await store.setContext(testContext);
    const stale = makeInvitation({ receivedAtMs: clock.now() - testPolicies.invitationExpiryMin * 60_000 - 1 });
    await store.receiveInvitation(stale);
    expect(store.getState().flow.screen.name).toBe('idle');
    for (let i = 0; i < 50 && (await db.outbox.count()) === 0; i++) await settle();
    expect(await db.outbox.toArray()).toMatchObject([{ invitationId: stale.id, outcome: 'expired', tags: [], input: { method: 'none', inviteToPressMs: null } }]);
    expect(await db.invitations.get(stale.id)).toMatchObject({ state: 'ended' });
  });

  it('shows no rating screen before the press path is loaded, and shows it anyway if that load fails', async () => {
    for (const outcome of ['loads', 'fails'] as const) {
      const db = openEvaluatorDb(`flow-${crypto.randomUUID()}`);
      let settle!: () => void;
      const loaded = new Promise<void>((resolve, reject) => (settle = outcome === 'loads' ? resolve : () => reject(new Error('chunk gone'))));
      const store = createFlowStore({ db, now: Date.now, pressPathReady: () => loaded });
      cleanup.push(() => {
        store.dispose();
        db.close();
      });
      await store.setContext(testContext);
      await store.receiveInvitation(makeInvitation({ receivedAtMs: Date.now() }));
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(store.getState().flow.screen.name).toBe('idle');
      settle();
      await until(store, 'rating');
      expect(store.getState().lastError).toBe(outcome === 'fails' ? 'chunk gone' : null);
    }
  });

  it('starts a free rating only on the idle screen, with the hall policy on and a staff member signed in; its outcome is flagged', async () => {
    const db = openEvaluatorDb(`flow-${crypto.randomUUID()}`);
    let staff: { loginName: string; name: string; staffNo?: string; photo?: string } | null = null;
    const pairedAtMs = Date.now() - 3_600_000;
    const store = createFlowStore({ db, now: Date.now, staffSession: () => (staff ? { staff, pairedAtMs, via: 'pairing-code' } : null) });
    cleanup.push(() => {
      store.dispose();
      db.close();
    });
    await store.setContext(testContext);
    staff = { loginName: 'zhangsan', name: '张三', staffNo: 'A0123' };
    expect(await store.getState().startFreeRating()).toBe(false); // the hall does not allow it
    await store.setContext({ ...testContext, policies: { ...testContext.policies, allowFreeRating: true } });
    staff = null;
    expect(await store.getState().startFreeRating()).toBe(false); // nobody to rate
    staff = { loginName: 'zhangsan', name: '张三', staffNo: 'A0123', photo: 'data:image/png;base64,iVBORw0KGgo=' };
    // A double tap starts one free rating, not two.
    expect(await Promise.all([store.getState().startFreeRating(), store.getState().startFreeRating()])).toEqual([true, false]);
    expect(await db.invitations.count()).toBe(1);
    expect(store.getState().flow.screen.name).toBe('rating');
    expect(await store.getState().startFreeRating()).toBe(false); // not while a rating is on screen
    store.getState().send({ type: 'PRESS', level: 4, method: 'touch' });
    await until(store, 'thanks');
    const outcomes = await db.outbox.toArray();
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ level: 4, staff: { loginName: 'zhangsan', staffNo: 'A0123' }, case: { taskCode: 'WINDOW-SERVICE' } });
    expect(outcomes[0]?.case.projectNo).toMatch(/^FREE-[0-9a-f]{32}$/);
    expect(outcomes[0]?.flags).toContain('free-rating');
    expect(outcomes[0]?.flags).not.toContain('unpaired');
    // The signed-in staff member travels with the outcome, without the card's photo.
    expect(outcomes[0]?.signedIn).toEqual({ staff: { loginName: 'zhangsan', name: '张三', staffNo: 'A0123' }, since: isoWithOffset(pairedAtMs), via: 'pairing-code' });
  });
});
