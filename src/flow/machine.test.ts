import { describe, expect, it } from 'vitest';
import { makeInvitation, testPolicies as P } from '../testing/fixtures';
import {
  initialFlowState,
  nextDeadline,
  normalisePhone,
  CASE_QR_YIELD_MS,
  CONFIRM_WAIT_MS,
  DETAILS_INPUT_GUARD_MS,
  isElderly,
  offersCaseQr,
  RATING_INPUT_GUARD_MS,
  RESTORE_GRACE_MS,
  SAVE_RETRY_MS,
  transition,
  type FlowEvent,
  type FlowState,
  type Screen,
} from './machine';

const T0 = 1_000_000;
const run = (state: FlowState, ...events: FlowEvent[]) =>
  events.reduce<{ state: FlowState; effects: unknown[] }>(
    (acc, event) => {
      const next = transition(acc.state, event, P);
      return { state: next.state, effects: [...acc.effects, ...next.effects] };
    },
    { state, effects: [] },
  );

function screenAs<N extends Screen['name']>(state: FlowState, name: N): Extract<Screen, { name: N }> {
  expect(state.screen.name).toBe(name);
  return state.screen as Extract<Screen, { name: N }>;
}

const inv = makeInvitation();
const invite = (now = T0, invitation = inv): FlowEvent => ({ type: 'INVITE', pending: { invitation }, now });
const ratingState = () => transition(initialFlowState, invite(), P).state;
/** Details opened by a press at T0 + 3000; edits in tests come after the input guard. */
/** The moment the details screen takes input, armed by the timer's tick. */
const D = T0 + 3000 + DETAILS_INPUT_GUARD_MS;
const detailsState = (level: 1 | 2 = 1) =>
  run(ratingState(), { type: 'PRESS', level, method: 'touch', now: T0 + 3000 }, { type: 'SAVED', invitationId: inv.id, now: T0 + 3000 }, { type: 'TICK', now: D }).state;
const pressRecord = (level: 1 | 2 | 3 | 4 | 5, inviteToPressMs: number, method = 'touch') => ({
  outcome: 'rated',
  level,
  tags: [],
  isPublic: false,
  callback: { requested: false },
  input: { method, inviteToPressMs },
});

describe('idle', () => {
  it('shows the rating screen on an invitation and records when it was first shown', () => {
    const { state, effects } = transition(initialFlowState, invite(), P);
    const screen = screenAs(state, 'rating');
    expect(screen.shownAtMs).toBe(T0);
    expect(screen.deadlineMs).toBe(T0 + P.inviteTimeoutSec * 1000);
    expect(effects).toEqual([{ type: 'markShown', invitationId: inv.id, shownAtMs: T0 }]);
  });

  it('keeps the original timeout of an invitation restored after a reload', () => {
    const { state, effects } = transition(initialFlowState, { type: 'INVITE', pending: { invitation: inv, firstShownAtMs: T0 - 30_000 }, now: T0 }, P);
    expect(screenAs(state, 'rating').deadlineMs).toBe(T0 - 30_000 + P.inviteTimeoutSec * 1000);
    expect(screenAs(state, 'rating').shownAtMs).toBe(T0 - 30_000);
    expect(effects).toEqual([]);
  });

  it('restores a screen whose stamp lies in the future (clock set back since) with one full timeout, not a frozen countdown', () => {
    const { state } = transition(initialFlowState, { type: 'INVITE', pending: { invitation: inv, firstShownAtMs: T0 + 3 * 3600_000 }, now: T0 }, P);
    const screen = screenAs(state, 'rating');
    expect(screen.shownAtMs).toBe(T0);
    expect(screen.deadlineMs).toBe(T0 + P.inviteTimeoutSec * 1000);
    // The countdown runs out at the deadline: the queue moves on.
    const after = transition(state, { type: 'TICK', now: screen.deadlineMs }, P);
    expect(after.state.screen.name).toBe('saving');
  });

  it('restores a screen whose stamp lies far in the past (clock set forward since) with a short countdown, not an instant 未评价', () => {
    const { state } = transition(initialFlowState, { type: 'INVITE', pending: { invitation: inv, firstShownAtMs: T0 - 24 * 3600_000 }, now: T0 }, P);
    const screen = screenAs(state, 'rating');
    expect(screen.deadlineMs).toBe(T0 + RESTORE_GRACE_MS);
    expect(transition(state, { type: 'TICK', now: T0 + RESTORE_GRACE_MS - 1 }, P).state).toBe(state);
    // A press in the grace is the citizen's rating; its time to press counts the whole shown time.
    const pressed = transition(state, { type: 'PRESS', level: 4, method: 'touch', now: T0 + 1000 }, P);
    expect(pressed.effects).toEqual([expect.objectContaining({ type: 'save', ending: expect.objectContaining({ level: 4, input: { method: 'touch', inviteToPressMs: P.inviteTimeoutSec * 1000 - RESTORE_GRACE_MS + 1000 } }) })]);
  });

  it('restores a screen with less than the grace left with the grace', () => {
    const timeoutMs = P.inviteTimeoutSec * 1000;
    const { state } = transition(initialFlowState, { type: 'INVITE', pending: { invitation: inv, firstShownAtMs: T0 - (timeoutMs - 5000) }, now: T0 }, P);
    expect(screenAs(state, 'rating').deadlineMs).toBe(T0 + RESTORE_GRACE_MS);
  });

  it('never gives a restored screen more than the hall timeout when the timeout is shorter than the grace', () => {
    const short = { ...P, inviteTimeoutSec: 10 };
    const { state } = transition(initialFlowState, { type: 'INVITE', pending: { invitation: inv, firstShownAtMs: T0 - 60_000 }, now: T0 }, short);
    expect(screenAs(state, 'rating').deadlineMs).toBe(T0 + 10_000);
  });

  it('ignores presses, ticks and detail events: nobody invents a rating', () => {
    for (const event of [
      { type: 'PRESS', level: 5, method: 'touch', now: T0 },
      { type: 'TICK', now: T0 + 10 ** 9 },
      { type: 'DECLINE', now: T0 },
      { type: 'SUBMIT', now: T0 },
      { type: 'SAVED', invitationId: inv.id, now: T0 },
    ] as FlowEvent[]) {
      const { state, effects } = transition(initialFlowState, event, P);
      expect(state).toBe(initialFlowState);
      expect(effects).toEqual([]);
    }
  });
});

describe('rating', () => {
  it('records a good level at once, with the time from invitation to press', () => {
    const { state, effects } = transition(ratingState(), { type: 'PRESS', level: 5, method: 'keyboard', now: T0 + 1234 }, P);
    const screen = screenAs(state, 'saving');
    expect(screen.ending).toEqual({
      outcome: 'rated',
      level: 5,
      tags: [],
      isPublic: false,
      callback: { requested: false },
      input: { method: 'keyboard', inviteToPressMs: 1234 },
    });
    expect(effects).toEqual([{ type: 'save', invitation: inv, ending: screen.ending }]);
  });

  it.each([3, 4] as const)('records level %i without a details step', (level) => {
    expect(transition(ratingState(), { type: 'PRESS', level, method: 'touch', now: T0 }, P).state.screen.name).toBe('saving');
  });

  it.each([1, 2] as const)('records the 差评 press %i at once, and opens the details screen only once it is durable', (level) => {
    const { state, effects } = transition(ratingState(), { type: 'PRESS', level, method: 'touch', now: T0 + 500 }, P);
    const saving = screenAs(state, 'saving');
    expect(saving.ending).toEqual(pressRecord(level, 500));
    expect(effects).toEqual([{ type: 'save', invitation: inv, ending: saving.ending }]);
    expect(transition(state, { type: 'TICK', now: T0 + 10 ** 7 }, P).state).toBe(state);
    const screen = screenAs(transition(state, { type: 'SAVED', invitationId: inv.id, now: T0 + 520 }, P).state, 'details');
    expect(screen.draft.level).toBe(level);
    expect(screen.pressedAtMs).toBe(T0 + 500);
    expect(screen.deadlineMs).toBe(T0 + 520 + P.detailsTimeoutSec * 1000);
  });

  it('records a decline as declined with no details', () => {
    const { state } = transition(ratingState(), { type: 'DECLINE', now: T0 + 10 }, P);
    const screen = screenAs(state, 'saving');
    expect(screen.ending.outcome).toBe('declined');
    expect(screen.ending.level).toBeUndefined();
  });

  it('times out into unrated exactly at the deadline, not before', () => {
    const deadline = T0 + P.inviteTimeoutSec * 1000;
    expect(transition(ratingState(), { type: 'TICK', now: deadline - 1 }, P).state.screen.name).toBe('rating');
    const { state } = transition(ratingState(), { type: 'TICK', now: deadline }, P);
    expect(screenAs(state, 'saving').ending).toMatchObject({ outcome: 'unrated', input: { method: 'none', inviteToPressMs: null } });
  });

  it('queues an invitation that arrives mid-rating, and ignores a resend of the current one', () => {
    const other = makeInvitation();
    let state = transition(ratingState(), invite(T0 + 5, other), P).state;
    expect(state.queue.map((p) => p.invitation.id)).toEqual([other.id]);
    state = transition(state, invite(T0 + 6, inv), P).state;
    state = transition(state, invite(T0 + 7, other), P).state;
    expect(state.queue).toHaveLength(1);
    expect(screenAs(state, 'rating').current.invitation.id).toBe(inv.id);
  });
});

describe('details', () => {
  it('toggles only tags that belong to the chosen level', () => {
    let state = detailsState(1);
    state = run(state, { type: 'TOGGLE_TAG', code: '115', now: D }, { type: 'TOGGLE_TAG', code: '110', now: D }).state;
    state = transition(state, { type: 'TOGGLE_TAG', code: '214', now: D }, P).state; // a level-2 tag
    state = transition(state, { type: 'TOGGLE_TAG', code: '517', now: D }, P).state; // a level-5 tag
    expect(screenAs(state, 'details').draft.tags).toEqual(['115', '110']);
    state = transition(state, { type: 'TOGGLE_TAG', code: '115', now: D }, P).state;
    expect(screenAs(state, 'details').draft.tags).toEqual(['110']);
  });

  it('caps the comment at 150 characters, counting Chinese characters as one each', () => {
    const long = '办'.repeat(200);
    const { state } = transition(detailsState(), { type: 'SET_COMMENT', text: long, now: D }, P);
    expect(Array.from(screenAs(state, 'details').draft.comment)).toHaveLength(150);
  });

  it('every edit pushes the inactivity deadline back', () => {
    // Public disclosure is the citizen's choice: the box starts unticked.
    expect(screenAs(detailsState(), 'details').draft.isPublic).toBe(false);
    const { state } = transition(detailsState(), { type: 'SET_PUBLIC', value: true, now: D + 60_000 }, P);
    const screen = screenAs(state, 'details');
    expect(screen.draft.isPublic).toBe(true);
    expect(screen.deadlineMs).toBe(D + 60_000 + P.detailsTimeoutSec * 1000);
  });

  it('refuses to submit a callback request without a valid phone, then accepts a fixed one', () => {
    let state = run(detailsState(2), { type: 'SET_CALLBACK', value: true, now: D }, { type: 'SET_PHONE', value: '12345', now: D }, { type: 'SUBMIT', now: D }).state;
    expect(screenAs(state, 'details').draft.phoneInvalid).toBe(true);
    const result = run(state, { type: 'SET_PHONE', value: '138-0013-8000', now: D }, { type: 'SUBMIT', now: D + 1 });
    state = result.state;
    expect(screenAs(state, 'saving').ending.callback).toEqual({ requested: true, phone: '13800138000' });
  });

  it('submits level, tags, trimmed comment, public flag and keeps the original press time', () => {
    const { state } = run(
      detailsState(1),
      { type: 'TOGGLE_TAG', code: '113', now: D + 1000 },
      { type: 'SET_COMMENT', text: '  跑了三个窗口  ', now: D + 2000 },
      { type: 'SET_PUBLIC', value: false, now: D + 3000 },
      { type: 'SUBMIT', now: D + 4000 },
    );
    const saving = screenAs(state, 'saving');
    expect(saving.ending).toEqual({
      outcome: 'rated',
      level: 1,
      tags: ['113'],
      comment: '跑了三个窗口',
      isPublic: false,
      callback: { requested: false },
      input: { method: 'touch', inviteToPressMs: 3000 },
      amends: { kind: 'details' },
    });
    expect(screenAs(transition(state, { type: 'SAVED', invitationId: inv.id, now: D + 4100 }, P).state, 'thanks').invitationId).toBe(inv.id);
  });

  it('going back withdraws the press (a record of its own), then shows the rating screen with a fresh timeout', () => {
    const { state, effects } = transition(detailsState(), { type: 'BACK', now: D + 9000 }, P);
    const saving = screenAs(state, 'saving');
    expect(saving.ending).toEqual({ ...pressRecord(1, 3000), amends: { kind: 'withdrawal' } });
    expect(effects).toEqual([{ type: 'save', invitation: inv, ending: saving.ending }]);
    const back = transition(state, { type: 'SAVED', invitationId: inv.id, now: D + 9050 }, P).state;
    expect(screenAs(back, 'rating').deadlineMs).toBe(D + 9050 + P.inviteTimeoutSec * 1000);
    expect(screenAs(back, 'rating').shownAtMs).toBe(T0);
  });

  it('on inactivity keeps the chosen level and what was entered, dropping an unusable phone', () => {
    const base = run(detailsState(2), { type: 'TOGGLE_TAG', code: '213', now: D }, { type: 'SET_CALLBACK', value: true, now: D }, { type: 'SET_PHONE', value: '139', now: D }).state;
    const deadline = screenAs(base, 'details').deadlineMs;
    expect(transition(base, { type: 'TICK', now: deadline - 1 }, P).state.screen.name).toBe('details');
    const { state } = transition(base, { type: 'TICK', now: deadline }, P);
    expect(screenAs(state, 'saving').ending).toMatchObject({ outcome: 'rated', level: 2, tags: ['213'], callback: { requested: false }, amends: { kind: 'details' } });
  });

  it('on inactivity with nothing chosen writes nothing more: the recorded press stands alone', () => {
    const base = detailsState(2);
    const deadline = screenAs(base, 'details').deadlineMs;
    const { state, effects } = transition(base, { type: 'TICK', now: deadline }, P);
    expect(effects).toEqual([]);
    expect(screenAs(state, 'thanks').invitationId).toBe(inv.id);
  });

  it('ignores taps until armed after the press that opened it: a mashed 非常不满意 ticks nothing', () => {
    const before = run(ratingState(), { type: 'PRESS', level: 1, method: 'touch', now: T0 + 3000 }, { type: 'SAVED', invitationId: inv.id, now: T0 + 3000 }).state;
    expect(screenAs(before, 'details').inputArmed).toBe(false);
    expect(nextDeadline(before.screen)).toBe(D);
    for (const event of [
      { type: 'TOGGLE_TAG', code: '115', now: D + 5 },
      { type: 'SUBMIT', now: D + 5 },
      { type: 'BACK', now: T0 + 3000 },
      { type: 'TICK', now: D - 1 },
    ] as FlowEvent[]) {
      expect(transition(before, event, P).state).toBe(before);
    }
    const armed = transition(before, { type: 'TICK', now: D }, P).state;
    expect(screenAs(armed, 'details').inputArmed).toBe(true);
    expect(nextDeadline(armed.screen)).toBe(T0 + 3000 + P.detailsTimeoutSec * 1000);
    expect(screenAs(transition(armed, { type: 'TOGGLE_TAG', code: '115', now: D }, P).state, 'details').draft.tags).toEqual(['115']);
  });

  it('ignores presses on the details screen', () => {
    const before = detailsState();
    expect(transition(before, { type: 'PRESS', level: 5, method: 'touch', now: D }, P).state).toBe(before);
  });
});

describe('saving, thanks and queue', () => {
  const saving = () => transition(ratingState(), { type: 'PRESS', level: 5, method: 'touch', now: T0 + 100 }, P).state;

  it('shows thanks only once the write is reported durable', () => {
    const stillSaving = transition(saving(), { type: 'TICK', now: T0 + 10 ** 7 }, P).state;
    expect(stillSaving.screen.name).toBe('saving');
    const other = transition(saving(), { type: 'SAVED', invitationId: 'someone-else', now: T0 }, P).state;
    expect(other.screen.name).toBe('saving');
    const { state } = transition(saving(), { type: 'SAVED', invitationId: inv.id, now: T0 + 200 }, P);
    expect(screenAs(state, 'thanks').deadlineMs).toBe(T0 + 200 + P.thanksSec * 1000);
    // The thanks screen knows how the invitation ended: a rating, or not (declined, a timeout).
    expect(screenAs(state, 'thanks').outcome).toBe('rated');
    const declined = run(ratingState(), { type: 'DECLINE', now: T0 + 5 }, { type: 'SAVED', invitationId: inv.id, now: T0 + 6 }).state;
    expect(screenAs(declined, 'thanks').outcome).toBe('declined');
    const timedOut = run(ratingState(), { type: 'TICK', now: T0 + P.inviteTimeoutSec * 1000 }, { type: 'SAVED', invitationId: inv.id, now: T0 + P.inviteTimeoutSec * 1000 + 1 }).state;
    expect(screenAs(timedOut, 'thanks').outcome).toBe('unrated');
  });

  it('counts a press burst once: extra presses are noted, never recorded', () => {
    let state = saving();
    const effects: unknown[] = [];
    for (let i = 0; i < 5; i++) state = transition(state, { type: 'PRESS', level: 5, method: 'touch', now: T0 + 110 + i }, P).state;
    state = transition(state, { type: 'SAVED', invitationId: inv.id, now: T0 + 200 }, P).state;
    for (let i = 0; i < 14; i++) {
      const next = transition(state, { type: 'PRESS', level: 1, method: 'touch', now: T0 + 300 + i }, P);
      state = next.state;
      effects.push(...next.effects);
    }
    expect(effects).toEqual([]);
    expect(screenAs(state, 'thanks').extraPresses).toBe(19);
    const end = transition(state, { type: 'TICK', now: T0 + 200 + P.thanksSec * 1000 }, P);
    expect(end.state.screen.name).toBe('idle');
    expect(end.effects).toEqual([{ type: 'noteExtraPresses', invitationId: inv.id, extraPresses: 19 }]);
  });

  it('retries a failed write until it succeeds, without ever showing thanks in between', () => {
    let state = transition(saving(), { type: 'SAVE_FAILED', invitationId: inv.id, error: 'QuotaExceededError', now: T0 + 150 }, P).state;
    const failed = screenAs(state, 'saveFailed');
    expect(failed.retryAtMs).toBe(T0 + 150 + SAVE_RETRY_MS);
    expect(transition(state, { type: 'TICK', now: failed.retryAtMs - 1 }, P).state).toBe(state);
    const retry = transition(state, { type: 'TICK', now: failed.retryAtMs }, P);
    expect(retry.state.screen.name).toBe('saving');
    expect(retry.effects).toEqual([{ type: 'save', invitation: inv, ending: failed.ending }]);
    state = transition(retry.state, { type: 'SAVED', invitationId: inv.id, now: failed.retryAtMs + 5 }, P).state;
    expect(state.screen.name).toBe('thanks');
  });

  it('after thanks shows the next queued invitation with its own full timeout', () => {
    const next = makeInvitation();
    let state = transition(saving(), invite(T0 + 120, next), P).state;
    state = transition(state, { type: 'SAVED', invitationId: inv.id, now: T0 + 200 }, P).state;
    const at = T0 + 200 + P.thanksSec * 1000;
    const { state: shown, effects } = transition(state, { type: 'TICK', now: at }, P);
    const screen = screenAs(shown, 'rating');
    expect(screen.current.invitation.id).toBe(next.id);
    expect(screen.deadlineMs).toBe(at + P.inviteTimeoutSec * 1000);
    expect(shown.queue).toEqual([]);
    expect(effects).toEqual([{ type: 'markShown', invitationId: next.id, shownAtMs: at }]);
  });

  it('reports the next deadline of each timed screen', () => {
    expect(nextDeadline({ name: 'idle' })).toBeNull();
    expect(nextDeadline(ratingState().screen)).toBe(T0 + P.inviteTimeoutSec * 1000);
    expect(nextDeadline(saving().screen)).toBeNull();
  });
});

describe('thanks with the case QR (issue 24)', () => {
  /** A declined invitation thanked at T0 + 200, its case QR shown at T0 + 700. */
  const declinedThanks = () => run(ratingState(), { type: 'DECLINE', now: T0 + 100 }, { type: 'SAVED', invitationId: inv.id, now: T0 + 200 }).state;
  const QR_AT = T0 + 700;
  const withQr = () => transition(declinedThanks(), { type: 'CASE_QR_SHOWN', invitationId: inv.id, now: QR_AT }, P).state;

  it("stays up the hall's caseQrSec from when the QR showed, long past thanksSec", () => {
    expect(P.caseQrSec).toBe(45);
    const thanks = screenAs(withQr(), 'thanks');
    expect(thanks.caseQrAtMs).toBe(QR_AT);
    expect(thanks.deadlineMs).toBe(QR_AT + P.caseQrSec * 1000);
    expect(nextDeadline(thanks)).toBe(QR_AT + P.caseQrSec * 1000);
    expect(transition(withQr(), { type: 'TICK', now: T0 + 200 + P.thanksSec * 1000 }, P).state.screen.name).toBe('thanks');
    // Nobody tapped anything: back to idle once the time is over (the inactivity return).
    expect(transition(withQr(), { type: 'TICK', now: QR_AT + P.caseQrSec * 1000 - 1 }, P).state.screen.name).toBe('thanks');
    expect(transition(withQr(), { type: 'TICK', now: QR_AT + P.caseQrSec * 1000 }, P).state.screen.name).toBe('idle');
  });

  it('follows a hall that sets its own caseQrSec', () => {
    const hall = { ...P, caseQrSec: 90 };
    const state = transition(declinedThanks(), { type: 'CASE_QR_SHOWN', invitationId: inv.id, now: QR_AT }, hall).state;
    expect(screenAs(state, 'thanks').deadlineMs).toBe(QR_AT + 90_000);
  });

  it('ends at once on 完成 (Done), noting the extra presses as a deadline does', () => {
    const pressed = transition(withQr(), { type: 'PRESS', level: 3, method: 'keyboard', now: QR_AT + 50 }, P).state;
    const done = transition(pressed, { type: 'DONE', now: QR_AT + 2000 }, P);
    expect(done.state.screen.name).toBe('idle');
    expect(done.effects).toEqual([{ type: 'noteExtraPresses', invitationId: inv.id, extraPresses: 1 }]);
  });

  it('does not keep the next citizen waiting: a queued invitation takes over CASE_QR_YIELD_MS after the QR showed', () => {
    const next = makeInvitation();
    // The next case event arrives while the QR shows.
    const queued = transition(withQr(), invite(QR_AT + 3000, next), P).state;
    expect(screenAs(queued, 'thanks').deadlineMs).toBe(QR_AT + CASE_QR_YIELD_MS);
    const shown = transition(queued, { type: 'TICK', now: QR_AT + CASE_QR_YIELD_MS }, P).state;
    expect(screenAs(shown, 'rating').current.invitation.id).toBe(next.id);
    // It arrives after the yield time: the QR gives way at the next tick.
    const late = transition(withQr(), invite(QR_AT + CASE_QR_YIELD_MS + 5000, next), P).state;
    expect(screenAs(transition(late, { type: 'TICK', now: QR_AT + CASE_QR_YIELD_MS + 5001 }, P).state, 'rating').current.invitation.id).toBe(next.id);
    // Already waiting when the QR showed.
    const waiting = transition(run(declinedThanks(), invite(T0 + 300, next)).state, { type: 'CASE_QR_SHOWN', invitationId: inv.id, now: QR_AT }, P).state;
    expect(screenAs(waiting, 'thanks').deadlineMs).toBe(QR_AT + CASE_QR_YIELD_MS);
  });

  it('ignores a QR for another invitation, a second QR, and Done anywhere else', () => {
    const other = transition(declinedThanks(), { type: 'CASE_QR_SHOWN', invitationId: 'an-earlier-citizen', now: QR_AT }, P).state;
    expect(screenAs(other, 'thanks').caseQrAtMs).toBeUndefined();
    expect(screenAs(other, 'thanks').deadlineMs).toBe(T0 + 200 + P.thanksSec * 1000);
    const again = transition(withQr(), { type: 'CASE_QR_SHOWN', invitationId: inv.id, now: QR_AT + 9000 }, P).state;
    expect(screenAs(again, 'thanks').deadlineMs).toBe(QR_AT + P.caseQrSec * 1000);
    expect(transition(ratingState(), { type: 'DONE', now: T0 + 10 }, P).state.screen.name).toBe('rating');
    expect(transition(initialFlowState, { type: 'CASE_QR_SHOWN', invitationId: inv.id, now: T0 }, P).state).toBe(initialFlowState);
  });
});

describe('the case QR on a 办结 rating screen (issue 24, policies.caseQrOnEveryClose)', () => {
  const HALL = { ...P, caseQrOnEveryClose: true };
  const QR_AT = T0 + 400;
  const closeRating = (invitation = inv) => transition(initialFlowState, invite(T0, invitation), HALL).state;
  const withQr = () => transition(closeRating(), { type: 'CASE_QR_SHOWN', invitationId: inv.id, now: QR_AT }, HALL).state;

  it('is asked for only where the hall chooses it, on a 办结 of a registered case, once', () => {
    expect(P.caseQrOnEveryClose).toBe(false);
    expect(offersCaseQr(closeRating().screen, P)).toBe(false);
    expect(offersCaseQr(closeRating().screen, HALL)).toBe(true);
    expect(offersCaseQr(closeRating(makeInvitation({ event: 'accepted' })).screen, HALL)).toBe(false);
    expect(offersCaseQr(closeRating(makeInvitation({ free: true })).screen, HALL)).toBe(false);
    expect(offersCaseQr(withQr().screen, HALL)).toBe(false);
    expect(offersCaseQr(initialFlowState.screen, HALL)).toBe(false);
  });

  it('shows beside the levels from when the link came, and leaves the rating its own time', () => {
    const rating = screenAs(withQr(), 'rating');
    expect(rating.caseQrAtMs).toBe(QR_AT);
    expect(rating.deadlineMs).toBe(T0 + HALL.inviteTimeoutSec * 1000);
    // Nobody rates here: the invitation ends unrated at its usual time, as without the QR.
    const ended = transition(withQr(), { type: 'TICK', now: T0 + HALL.inviteTimeoutSec * 1000 }, HALL);
    expect(screenAs(ended.state, 'saving').ending.outcome).toBe('unrated');
  });

  it('is not shown where the hall does not choose it, for another invitation, or a second time', () => {
    expect(transition(closeRating(), { type: 'CASE_QR_SHOWN', invitationId: inv.id, now: QR_AT }, P).state.screen).not.toHaveProperty('caseQrAtMs');
    expect(transition(closeRating(), { type: 'CASE_QR_SHOWN', invitationId: 'an-earlier-citizen', now: QR_AT }, HALL).state.screen).not.toHaveProperty('caseQrAtMs');
    const accepted = makeInvitation({ event: 'accepted' });
    expect(transition(closeRating(accepted), { type: 'CASE_QR_SHOWN', invitationId: accepted.id, now: QR_AT }, HALL).state.screen).not.toHaveProperty('caseQrAtMs');
    expect(screenAs(transition(withQr(), { type: 'CASE_QR_SHOWN', invitationId: inv.id, now: QR_AT + 5000 }, HALL).state, 'rating').caseQrAtMs).toBe(QR_AT);
  });

  it('goes away with a press, which is the rating: the screen left up while it is written has no QR, and its thanks none', () => {
    expect(screenAs(withQr(), 'rating').caseQrAtMs).toBe(QR_AT);
    const pressed = transition(withQr(), { type: 'PRESS', level: 4, method: 'touch', now: QR_AT + 2000 }, HALL);
    const saving = screenAs(pressed.state, 'saving');
    expect(saving.ending).toEqual(pressRecord(4, 2400));
    expect(saving.behind).not.toHaveProperty('caseQrAtMs');
    expect(pressed.effects).toEqual([{ type: 'save', invitation: inv, ending: pressRecord(4, 2400) }]);
    const thanks = screenAs(transition(pressed.state, { type: 'SAVED', invitationId: inv.id, now: QR_AT + 2100 }, HALL).state, 'thanks');
    expect(thanks).toMatchObject({ outcome: 'rated', deadlineMs: QR_AT + 2100 + HALL.thanksSec * 1000 });
    expect(thanks.caseQrAtMs).toBeUndefined();
  });

  it('goes away with a 差评 press too; back to the levels, the screen asks for it again', () => {
    const pressed = transition(withQr(), { type: 'PRESS', level: 2, method: 'touch', now: QR_AT + 2000 }, HALL).state;
    expect(screenAs(pressed, 'saving').behind).not.toHaveProperty('caseQrAtMs');
    const details = run(pressed, { type: 'SAVED', invitationId: inv.id, now: QR_AT + 2100 }).state;
    const back = transition(transition(details, { type: 'TICK', now: QR_AT + 2100 + DETAILS_INPUT_GUARD_MS }, HALL).state, { type: 'BACK', now: QR_AT + 3000 }, HALL).state;
    const levels = transition(back, { type: 'SAVED', invitationId: inv.id, now: QR_AT + 3100 }, HALL).state;
    expect(offersCaseQr(levels.screen, HALL)).toBe(true);
  });

  it('goes away with a decline, whose thanks screen shows the case QR as before', () => {
    expect(screenAs(withQr(), 'rating').caseQrAtMs).toBe(QR_AT);
    const declined = run(withQr(), { type: 'DECLINE', now: QR_AT + 1000 }).state;
    expect(screenAs(declined, 'saving').behind).not.toHaveProperty('caseQrAtMs');
    const thanks = transition(declined, { type: 'SAVED', invitationId: inv.id, now: QR_AT + 1100 }, HALL).state;
    expect(screenAs(transition(thanks, { type: 'CASE_QR_SHOWN', invitationId: inv.id, now: QR_AT + 1500 }, HALL).state, 'thanks').deadlineMs).toBe(QR_AT + 1500 + HALL.caseQrSec * 1000);
  });
});

describe('stale invitations and the next citizen', () => {
  const EXPIRY = P.invitationExpiryMin * 60_000;
  const stale = makeInvitation({ receivedAtMs: T0 - EXPIRY - 1 });
  const fresh = makeInvitation({ receivedAtMs: T0 - EXPIRY + 1 });

  it('an invitation that waited past the hall\'s expiry unshown ends as expired, never shown to whoever is at the device', () => {
    const { state, effects } = transition(initialFlowState, invite(T0, stale), P);
    expect(state.screen.name).toBe('idle');
    expect(effects).toEqual([{ type: 'expire', invitation: stale }]);
    expect(screenAs(transition(initialFlowState, invite(T0, fresh), P).state, 'rating').current.invitation.id).toBe(fresh.id);
  });

  it('a device whose clock is known to be off shows it rather than expire a live case by a wrong clock', () => {
    const { state, effects } = transition(initialFlowState, invite(T0, stale), P, { clockTrusted: false });
    expect(screenAs(state, 'rating').current.invitation.id).toBe(stale.id);
    expect(effects).toEqual([{ type: 'markShown', invitationId: stale.id, shownAtMs: T0 }]);
  });

  it('one that was on screen before a reload is shown again, not expired: its own timeout decides', () => {
    const { state, effects } = transition(initialFlowState, { type: 'INVITE', pending: { invitation: stale, firstShownAtMs: T0 - 1000 }, now: T0 }, P);
    expect(screenAs(state, 'rating').current.invitation.id).toBe(stale.id);
    expect(effects).toEqual([]);
  });

  it('after thanks, queued invitations that expired meanwhile are ended on the way to the next one', () => {
    const later = makeInvitation({ receivedAtMs: T0 + 100 });
    let state = transition(ratingState(), { type: 'PRESS', level: 5, method: 'touch', now: T0 + 100 }, P).state;
    state = run(state, invite(T0 + 110, makeInvitation({ ...stale, id: stale.id })), invite(T0 + 120, later), { type: 'SAVED', invitationId: inv.id, now: T0 + 200 }).state;
    const at = T0 + EXPIRY; // the stale one is long past its expiry now, the later one (received at T0 + 100) is not
    const next = transition(state, { type: 'TICK', now: at }, P);
    expect(next.effects).toEqual([{ type: 'expire', invitation: stale }, { type: 'markShown', invitationId: later.id, shownAtMs: at }]);
    expect(screenAs(next.state, 'rating').current.invitation.id).toBe(later.id);
    expect(next.state.queue).toEqual([]);
  });

  it('presses that land just after the thanks screen gave way to the next case are ignored, not a rating of it', () => {
    const next = makeInvitation();
    let state = transition(ratingState(), { type: 'PRESS', level: 5, method: 'touch', now: T0 + 100 }, P).state;
    state = run(state, invite(T0 + 110, next), { type: 'SAVED', invitationId: inv.id, now: T0 + 200 }).state;
    const shownAt = T0 + 200 + P.thanksSec * 1000;
    state = transition(state, { type: 'TICK', now: shownAt }, P).state;
    expect(screenAs(state, 'rating').armsAtMs).toBe(shownAt + RATING_INPUT_GUARD_MS);
    for (const event of [
      { type: 'PRESS', level: 5, method: 'touch', now: shownAt + 10 },
      { type: 'PRESS', level: 1, method: 'serial', now: shownAt + RATING_INPUT_GUARD_MS - 1 },
      { type: 'DECLINE', now: shownAt + 20 },
    ] as FlowEvent[]) {
      expect(transition(state, event, P).state).toBe(state);
    }
    const pressed = transition(state, { type: 'PRESS', level: 2, method: 'touch', now: shownAt + RATING_INPUT_GUARD_MS }, P);
    expect(pressed.effects).toMatchObject([{ type: 'save', invitation: next, ending: { level: 2 } }]);
    // A rating screen that comes up from idle takes the first press at once.
    expect(screenAs(ratingState(), 'rating').armsAtMs).toBeUndefined();
  });
});

describe('normalisePhone', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['138 0013 8000', '13800138000'],
    ['0551-62345678', '055162345678'],
    ['12800138000', undefined],
    ['1380013800', undefined],
    ['abc', undefined],
  ])('%s → %s', (raw, expected) => expect(normalisePhone(raw)).toBe(expected));
});

describe('elderly mode (适老化)', () => {
  const offered = P;
  const always = { ...P, elderly: { ...P.elderly, mode: 'always' as const } };
  const off = { ...P, elderly: { ...P.elderly, mode: 'off' as const } };
  const elderlyRating = (policies = offered) =>
    transition(transition(initialFlowState, { type: 'SET_ELDERLY', value: true, now: T0 - 1 }, policies).state, invite(), policies).state;
  /** A 非常不满意 press, recorded (SAVED) the same millisecond. */
  const press1 = (state: FlowState, policies = offered, now = T0 + 3000) => {
    const pressed = transition(state, { type: 'PRESS', level: 1, method: 'touch', now }, policies);
    const saved = transition(pressed.state, { type: 'SAVED', invitationId: inv.id, now }, policies);
    return { pressed, state: saved.state, effects: [...pressed.effects, ...saved.effects] };
  };

  it('records the 非常不满意 press at once, then asks to confirm; 确认 is a record too and goes on to the details screen', () => {
    const { pressed, state, effects } = press1(elderlyRating());
    expect(screenAs(pressed.state, 'saving').after).toMatchObject({ name: 'confirm', level: 1 });
    expect(effects).toEqual([{ type: 'save', invitation: inv, ending: pressRecord(1, 3000) }]);
    const confirm = screenAs(state, 'confirm');
    expect(confirm.level).toBe(1);
    const confirming = transition(state, { type: 'CONFIRM', now: T0 + 5000 }, offered);
    expect(confirming.effects).toEqual([{ type: 'save', invitation: inv, ending: { ...pressRecord(1, 3000), amends: { kind: 'confirm' } } }]);
    const confirmed = transition(confirming.state, { type: 'SAVED', invitationId: inv.id, now: T0 + 5000 }, offered);
    const details = screenAs(confirmed.state, 'details');
    expect(details.draft.level).toBe(1);
    // The press time is the first press, not the confirmation: invite-to-press stays honest.
    expect(details.pressedAtMs).toBe(T0 + 3000);
    expect(confirmed.effects).toEqual([]);
    // The mashing guard runs from the confirmation: the 确认 tap must not land on a reason.
    expect(details.inputArmed).toBe(false);
    expect(nextDeadline(details)).toBe(T0 + 5000 + DETAILS_INPUT_GUARD_MS);
    expect(screenAs(transition(confirmed.state, { type: 'TICK', now: T0 + 5000 + DETAILS_INPUT_GUARD_MS }, offered).state, 'details').inputArmed).toBe(true);
  });

  it('撤销 is a signed withdrawal of the press, then the rating screen again, where a new level can be chosen', () => {
    const undoing = transition(press1(elderlyRating()).state, { type: 'UNDO', now: T0 + 4000 }, offered);
    expect(undoing.effects).toEqual([{ type: 'save', invitation: inv, ending: { ...pressRecord(1, 3000), amends: { kind: 'withdrawal' } } }]);
    const undone = transition(undoing.state, { type: 'SAVED', invitationId: inv.id, now: T0 + 4010 }, offered);
    const rating = screenAs(undone.state, 'rating');
    expect(rating.deadlineMs).toBe(T0 + 4010 + P.inviteTimeoutSec * 1000);
    const rated = transition(undone.state, { type: 'PRESS', level: 4, method: 'touch', now: T0 + 5000 }, offered);
    expect(rated.effects).toMatchObject([{ type: 'save', ending: { outcome: 'rated', level: 4 } }]);
    expect((rated.effects[0] as { ending: object }).ending).not.toHaveProperty('amends');
  });

  it('mashed presses on the confirm screen neither confirm nor undo', () => {
    const pressed = press1(elderlyRating()).state;
    const mashed = run(pressed, ...[1, 1, 5].map((level, i): FlowEvent => ({ type: 'PRESS', level: level as 1 | 5, method: 'touch', now: T0 + 3100 + i })));
    expect(mashed.state).toBe(pressed);
  });

  it('a citizen who walks away from the confirm step keeps their 非常不满意: the recorded press stands, nothing more is written', () => {
    const pressed = press1(elderlyRating()).state;
    expect(nextDeadline(pressed.screen)).toBe(T0 + 3000 + CONFIRM_WAIT_MS);
    expect(transition(pressed, { type: 'TICK', now: T0 + 3000 + CONFIRM_WAIT_MS - 1 }, offered).state).toBe(pressed);
    const timedOut = transition(pressed, { type: 'TICK', now: T0 + 3000 + CONFIRM_WAIT_MS }, offered);
    expect(timedOut.effects).toEqual([]);
    expect(screenAs(timedOut.state, 'thanks').invitationId).toBe(inv.id);
  });

  it('without elderly mode, or with it switched off by the hall, 非常不满意 opens the details screen at once', () => {
    expect(press1(ratingState()).state.screen.name).toBe('details');
    expect(press1(elderlyRating(off), off).state.screen.name).toBe('details');
    expect(press1(ratingState(), always).state.screen.name).toBe('confirm');
  });

  it('only 非常不满意 is guarded: 不满意 goes to details, good levels are saved at once', () => {
    const saved = (level: 2 | 5) => run(elderlyRating(), { type: 'PRESS', level, method: 'touch', now: T0 + 1 }, { type: 'SAVED', invitationId: inv.id, now: T0 + 2 }).state.screen.name;
    expect(saved(2)).toBe('details');
    expect(saved(5)).toBe('thanks');
  });

  it('is reset for the next citizen once the thanks screen ends', () => {
    const pressed = transition(elderlyRating(), { type: 'PRESS', level: 5, method: 'touch', now: T0 + 1000 }, offered).state;
    expect(pressed.elderly).toBe(true);
    const ended = run(pressed, { type: 'SAVED', invitationId: inv.id, now: T0 + 1100 }, { type: 'TICK', now: T0 + 1100 + P.thanksSec * 1000 });
    expect(ended.state.screen.name).toBe('idle');
    expect(isElderly(ended.state, offered)).toBe(false);
    expect(isElderly(ended.state, always)).toBe(true);
  });
});
