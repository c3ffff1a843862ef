import type { Invitation } from '../../contract/invitation';
import type { AmendmentKind, InputMethod, OutcomeKind } from '../../contract/outcome';
import type { Policies } from '../../contract/hallConfig';
import { COMMENT_MAX_CHARS, isBadLevel, isTagOfLevel, type Level } from '../../contract/ratingCodes';

/**
 * The rating flow as a pure state machine: every screen change is a transition of
 * (state, event) → (state, effects). Time enters only through the events' `now`, so every
 * timeout is a plain transition that tests can drive.
 */

/** An invitation waiting or on screen; firstShownAtMs survives reloads so timeouts do too. */
export interface PendingInvitation {
  invitation: Invitation;
  firstShownAtMs?: number;
}

export interface DetailsDraft {
  level: Level;
  tags: string[];
  comment: string;
  isPublic: boolean;
  callbackRequested: boolean;
  phone: string;
  phoneInvalid: boolean;
}

/**
 * One record the flow decides on: how an invitation ended (a press, or unrated / declined), or
 * what the citizen did after a press (`amends`: details, confirm, withdrawal). The outbox adds
 * the rest, and the id of the press an amendment refers to.
 */
export interface Ending {
  outcome: OutcomeKind;
  level?: Level;
  tags: string[];
  comment?: string;
  isPublic: boolean;
  callback: { requested: boolean; phone?: string };
  input: { method: InputMethod; inviteToPressMs: number | null };
  amends?: { kind: AmendmentKind };
}

/** Where the flow goes once a record is durable: the thanks screen unless the citizen still has a step to take. */
export type AfterSaving = { name: 'thanks' } | { name: 'details'; level: Level; method: InputMethod; pressedAtMs: number } | { name: 'confirm'; level: Level; method: InputMethod; pressedAtMs: number } | { name: 'rating' };

interface Showing {
  current: PendingInvitation;
  shownAtMs: number;
}

export type Screen =
  | { name: 'idle' }
  | ({
      name: 'rating';
      deadlineMs: number;
      /** Presses before this are ignored: the screen replaced a thanks screen someone may still be pressing on. */
      armsAtMs?: number;
      /** Since when the screen shows the case QR beside the levels (hall policy caseQrOnEveryClose, a 办结), if it does. */
      caseQrAtMs?: number;
    } & Showing)
  | ({
      name: 'details';
      deadlineMs: number;
      draft: DetailsDraft;
      pressedAtMs: number;
      method: InputMethod;
      /** False for DETAILS_INPUT_GUARD_MS after the press; the UI shows the form disabled. */
      inputArmed: boolean;
      /** When the guard ends: the press, or in elderly mode the 确认 tap that opened the screen. */
      armsAtMs: number;
    } & Showing)
  | ({
      name: 'confirm';
      /** Elderly mode: the 非常不满意 press, already recorded, waits here for 确认 or 撤销 (a withdrawal). */
      level: Level;
      pressedAtMs: number;
      method: InputMethod;
      deadlineMs: number;
    } & Showing)
  | {
      name: 'saving';
      current: PendingInvitation;
      /** When the rating screen first showed this invitation. */
      shownAtMs: number;
      ending: Ending;
      after: AfterSaving;
      extraPresses: number;
      /** The screen the citizen acted on; it stays up, untouched, until the write is durable. */
      behind?: RatingScreenState | DetailsScreenState | ConfirmScreenState;
    }
  | { name: 'saveFailed'; current: PendingInvitation; shownAtMs: number; ending: Ending; after: AfterSaving; error: string; retryAtMs: number; extraPresses: number }
  | {
      name: 'thanks';
      deadlineMs: number;
      invitationId: string;
      extraPresses: number;
      /** How the invitation ended, for the words the citizen is thanked with (a press and its details: rated). */
      outcome: OutcomeKind;
      /** Since when the screen shows the case QR to rate on the phone (issue 24), if it does. */
      caseQrAtMs?: number;
    };

export type RatingScreenState = Extract<Screen, { name: 'rating' }>;
export type DetailsScreenState = Extract<Screen, { name: 'details' }>;
export type ConfirmScreenState = Extract<Screen, { name: 'confirm' }>;

export interface FlowState {
  screen: Screen;
  queue: PendingInvitation[];
  /** Elderly mode chosen on this device for the current citizen; reset when they are done. */
  elderly?: boolean;
}

export type FlowEvent =
  | { type: 'INVITE'; pending: PendingInvitation; now: number }
  | { type: 'PRESS'; level: Level; method: InputMethod; now: number }
  | { type: 'DECLINE'; now: number }
  | { type: 'TOGGLE_TAG'; code: string; now: number }
  | { type: 'SET_COMMENT'; text: string; now: number }
  | { type: 'SET_PUBLIC'; value: boolean; now: number }
  | { type: 'SET_CALLBACK'; value: boolean; now: number }
  | { type: 'SET_PHONE'; value: string; now: number }
  | { type: 'BACK'; now: number }
  | { type: 'SUBMIT'; now: number }
  | { type: 'SAVED'; invitationId: string; now: number }
  | { type: 'SAVE_FAILED'; invitationId: string; error: string; now: number }
  | { type: 'TICK'; now: number }
  | { type: 'SET_ELDERLY'; value: boolean; now: number }
  | { type: 'CONFIRM'; now: number }
  | { type: 'UNDO'; now: number }
  /** The thanks screen (or a 办结's rating screen, caseQrOnEveryClose) received a case-bound link from the intake and shows it as a QR. */
  | { type: 'CASE_QR_SHOWN'; invitationId: string; now: number }
  /** The citizen tapped 完成 (Done) on the thanks screen. */
  | { type: 'DONE'; now: number };

export type Effect =
  | { type: 'markShown'; invitationId: string; shownAtMs: number }
  | { type: 'save'; invitation: Invitation; ending: Ending }
  /** Ends an invitation that waited too long without being shown: recorded, never put to a citizen. */
  | { type: 'expire'; invitation: Invitation }
  | { type: 'noteExtraPresses'; invitationId: string; extraPresses: number };

export interface Transition {
  state: FlowState;
  effects: Effect[];
}

/**
 * Taps on the details screen are ignored this long after the 差评 press that opened it: a
 * citizen hammering 非常不满意 must not tick reasons or submit by accident.
 */
export const DETAILS_INPUT_GUARD_MS = 600;

/**
 * How long the elderly-mode confirm step waits. A citizen who walks away has still pressed
 * 非常不满意: the press stands (undo is the guard), it is never dropped or softened.
 */
export const CONFIRM_WAIT_MS = 20_000;

/** Whether elderly mode is on for the citizen at the device now. */
export function isElderly(state: FlowState, policies: Policies): boolean {
  if (policies.elderly.mode === 'off') return false;
  return policies.elderly.mode === 'always' || state.elderly === true;
}

/**
 * Presses are ignored this long after a rating screen replaces the thanks screen: the presses of
 * a citizen still hammering a button must not rate the next citizen's case.
 */
export const RATING_INPUT_GUARD_MS = 600;

/**
 * The case QR stays at least this long once shown, even with the next invitation waiting: a
 * citizen already holding up a phone finishes the scan; then the next citizen's case goes first.
 */
export const CASE_QR_YIELD_MS = 10_000;

/** A failed write is retried on this cadence until it succeeds; nothing is dropped. */
export const SAVE_RETRY_MS = 2000;

const CN_PHONE = /^(1[3-9]\d{9}|0\d{2,3}\d{7,8})$/;

export function normalisePhone(raw: string): string | undefined {
  const digits = raw.replace(/[\s-]/g, '');
  return CN_PHONE.test(digits) ? digits : undefined;
}

export const initialFlowState: FlowState = { screen: { name: 'idle' }, queue: [] };

/**
 * What the machine knows of its surroundings beside the hall's policies. `clockTrusted`: the
 * device clock agrees with the intake's (or none was measured): an invitation's age, taken
 * against a case event time another machine stamped, only then decides that it expired; a
 * device whose clock is known to be off shows every invitation rather than expire a live one.
 */
export interface FlowEnv {
  clockTrusted: boolean;
}

export function transition(state: FlowState, event: FlowEvent, policies: Policies, env: FlowEnv = { clockTrusted: true }): Transition {
  const same: Transition = { state, effects: [] };
  const { screen } = state;

  if (event.type === 'INVITE') {
    const id = event.pending.invitation.id;
    const known = state.queue.some((p) => p.invitation.id === id) || currentInvitationId(screen) === id;
    if (known) return same;
    if (screen.name === 'idle') {
      const shown = showNext([event.pending, ...state.queue], event.now, policies, false, env);
      // Elderly mode switched on at the idle screen carries over to the citizen's rating.
      return state.elderly ? { ...shown, state: { ...shown.state, elderly: true } } : shown;
    }
    const queued = { ...state, queue: [...state.queue, event.pending] };
    // The next citizen is not kept waiting behind a case QR nobody may be scanning.
    if (screen.name === 'thanks' && screen.caseQrAtMs !== undefined) return { state: { ...queued, screen: { ...screen, deadlineMs: caseQrDeadline(screen.caseQrAtMs, true, policies) } }, effects: [] };
    return { state: queued, effects: [] };
  }

  if (event.type === 'SET_ELDERLY') {
    if (policies.elderly.mode !== 'offer' || state.elderly === event.value) return same;
    return { state: { ...state, elderly: event.value }, effects: [] };
  }

  switch (screen.name) {
    case 'idle':
      return same;

    case 'rating':
      if ((event.type === 'PRESS' || event.type === 'DECLINE') && screen.armsAtMs !== undefined && event.now < screen.armsAtMs) return same;
      switch (event.type) {
        case 'CASE_QR_SHOWN':
          // Only where the hall offers it, for this screen's invitation, once; its time stays the rating's own.
          if (!offersCaseQr(screen, policies) || event.invitationId !== screen.current.invitation.id) return same;
          return { state: { ...state, screen: { ...screen, caseQrAtMs: event.now } }, effects: [] };
        case 'PRESS': {
          const press = pressEnding(event.level, event.method, Math.max(0, event.now - screen.shownAtMs));
          // The press is recorded before anything else paints; a 差评's details and the elderly
          // confirm follow it as records of their own, so a power cut there cannot erase it.
          if (event.level === 1 && isElderly(state, policies)) {
            return save(state, screen, press, { name: 'confirm', level: event.level, method: event.method, pressedAtMs: event.now });
          }
          if (isBadLevel(event.level)) return save(state, screen, press, { name: 'details', level: event.level, method: event.method, pressedAtMs: event.now });
          return save(state, screen, press, { name: 'thanks' });
        }
        case 'DECLINE':
          return save(state, screen, emptyEnding('declined'), { name: 'thanks' });
        case 'TICK':
          return event.now >= screen.deadlineMs ? save(state, screen, emptyEnding('unrated'), { name: 'thanks' }) : same;
        default:
          return same;
      }

    case 'confirm':
      switch (event.type) {
        case 'CONFIRM':
          return save(state, screen, amendment(screen, 'confirm'), { name: 'details', level: screen.level, method: screen.method, pressedAtMs: screen.pressedAtMs });
        case 'UNDO':
          return save(state, screen, amendment(screen, 'withdrawal'), { name: 'rating' });
        case 'TICK':
          // Walking away leaves the recorded press standing, unconfirmed: nothing more to write.
          return event.now < screen.deadlineMs ? same : thanks(state, screen.current.invitation.id, 0, 'rated', event.now, policies);
        default:
          // Further presses (a mashed button) neither confirm nor undo.
          return same;
      }

    case 'details': {
      const touched = (draft: DetailsDraft): Transition => ({
        state: { ...state, screen: { ...screen, draft, deadlineMs: event.now + policies.detailsTimeoutSec * 1000 } },
        effects: [],
      });
      const { draft } = screen;
      if (!screen.inputArmed) {
        if (event.type !== 'TICK' || event.now < screen.armsAtMs) return same;
        return { state: { ...state, screen: { ...screen, inputArmed: true } }, effects: [] };
      }
      switch (event.type) {
        case 'TOGGLE_TAG': {
          if (!isTagOfLevel(event.code, draft.level)) return same;
          const tags = draft.tags.includes(event.code)
            ? draft.tags.filter((c) => c !== event.code)
            : [...draft.tags, event.code];
          return touched({ ...draft, tags });
        }
        case 'SET_COMMENT':
          return touched({ ...draft, comment: Array.from(event.text).slice(0, COMMENT_MAX_CHARS).join('') });
        case 'SET_PUBLIC':
          return touched({ ...draft, isPublic: event.value });
        case 'SET_CALLBACK':
          return touched({ ...draft, callbackRequested: event.value, phoneInvalid: false });
        case 'SET_PHONE':
          return touched({ ...draft, phone: event.value.slice(0, 20), phoneInvalid: false });
        case 'BACK':
          // Back to the levels withdraws the press: the citizen chooses again.
          return save(state, screen, amendment(screen, 'withdrawal'), { name: 'rating' });
        case 'SUBMIT': {
          const phone = normalisePhone(draft.phone);
          if (draft.callbackRequested && phone === undefined) return touched({ ...draft, phoneInvalid: true });
          return save(state, screen, detailsEnding(screen, phone), { name: 'thanks' });
        }
        case 'TICK': {
          if (event.now < screen.deadlineMs) return same;
          // The citizen chose the level, already recorded; walking away keeps what they chose
          // here too, and invents nothing when they chose nothing.
          const ending = detailsEnding(screen, normalisePhone(draft.phone));
          const chose = ending.tags.length > 0 || ending.comment !== undefined || ending.callback.requested;
          return chose ? save(state, screen, ending, { name: 'thanks' }) : thanks(state, screen.current.invitation.id, 0, 'rated', event.now, policies);
        }
        default:
          return same;
      }
    }

    case 'saving':
      switch (event.type) {
        case 'PRESS':
          return { state: { ...state, screen: { ...screen, extraPresses: screen.extraPresses + 1 } }, effects: [] };
        case 'SAVED':
          if (event.invitationId !== screen.current.invitation.id) return same;
          return afterSaving(state, screen, event.now, policies);
        case 'SAVE_FAILED':
          if (event.invitationId !== screen.current.invitation.id) return same;
          return {
            state: {
              ...state,
              screen: {
                name: 'saveFailed',
                current: screen.current,
                shownAtMs: screen.shownAtMs,
                ending: screen.ending,
                after: screen.after,
                error: event.error,
                extraPresses: screen.extraPresses,
                retryAtMs: event.now + SAVE_RETRY_MS,
              },
            },
            effects: [],
          };
        default:
          return same;
      }

    case 'saveFailed':
      switch (event.type) {
        case 'PRESS':
          return { state: { ...state, screen: { ...screen, extraPresses: screen.extraPresses + 1 } }, effects: [] };
        case 'TICK':
          if (event.now < screen.retryAtMs) return same;
          return {
            state: {
              ...state,
              screen: { name: 'saving', current: screen.current, shownAtMs: screen.shownAtMs, ending: screen.ending, after: screen.after, extraPresses: screen.extraPresses },
            },
            effects: [{ type: 'save', invitation: screen.current.invitation, ending: screen.ending }],
          };
        default:
          return same;
      }

    case 'thanks':
      switch (event.type) {
        case 'PRESS':
          return { state: { ...state, screen: { ...screen, extraPresses: screen.extraPresses + 1 } }, effects: [] };
        case 'CASE_QR_SHOWN': {
          // Only for this screen's invitation, once: a late answer for an earlier citizen changes nothing.
          if (event.invitationId !== screen.invitationId || screen.caseQrAtMs !== undefined) return same;
          return { state: { ...state, screen: { ...screen, caseQrAtMs: event.now, deadlineMs: caseQrDeadline(event.now, state.queue.length > 0, policies) } }, effects: [] };
        }
        case 'DONE':
        case 'TICK': {
          if (event.type === 'TICK' && event.now < screen.deadlineMs) return same;
          const noted: Effect[] =
            screen.extraPresses > 0
              ? [{ type: 'noteExtraPresses', invitationId: screen.invitationId, extraPresses: screen.extraPresses }]
              : [];
          // The next citizen starts with the device's default look.
          const shown = showNext(state.queue, event.now, policies, true, env);
          return { state: shown.state, effects: [...noted, ...shown.effects] };
        }
        default:
          return same;
      }
  }
}

/**
 * A rating screen shown before a reload comes back with the time it had left. That time is
 * measured against a stamp the earlier page took, and the wall clock may have jumped since
 * (a PAD that boots with a wrong clock, then corrects it): a stamp in the future would freeze
 * the countdown and hold the queue; one far in the past would record 未评价 before the citizen
 * could see the screen. So the elapsed time counts as at least nothing and at most the timeout
 * less RESTORE_GRACE_MS: the screen always comes back with a countdown a citizen can act on.
 */
export const RESTORE_GRACE_MS = 20_000;

function rebasedShownAt(firstShownAtMs: number, now: number, policies: Policies): number {
  const timeoutMs = policies.inviteTimeoutSec * 1000;
  const elapsed = Math.min(Math.max(0, now - firstShownAtMs), Math.max(0, timeoutMs - RESTORE_GRACE_MS));
  return now - elapsed;
}

/**
 * Shows the first invitation of the queue that may still be put to a citizen; those that waited
 * past the hall's expiry without ever being shown end as expired on the way. Idle when none is left.
 */
function showNext(queue: PendingInvitation[], now: number, policies: Policies, afterThanks: boolean, env: FlowEnv): Transition {
  const expired: Effect[] = [];
  for (let i = 0; i < queue.length; i++) {
    const pending = queue[i]!;
    if (env.clockTrusted && pending.firstShownAtMs === undefined && now - pending.invitation.receivedAtMs > policies.invitationExpiryMin * 60_000) {
      expired.push({ type: 'expire', invitation: pending.invitation });
      continue;
    }
    const shownAtMs = pending.firstShownAtMs === undefined ? now : rebasedShownAt(pending.firstShownAtMs, now, policies);
    const current: PendingInvitation = { ...pending, firstShownAtMs: pending.firstShownAtMs ?? now };
    return {
      state: {
        screen: {
          name: 'rating',
          current,
          shownAtMs,
          deadlineMs: shownAtMs + policies.inviteTimeoutSec * 1000,
          ...(afterThanks ? { armsAtMs: now + RATING_INPUT_GUARD_MS } : {}),
        },
        queue: queue.slice(i + 1),
      },
      effects: [...expired, ...(pending.firstShownAtMs === undefined ? [{ type: 'markShown' as const, invitationId: pending.invitation.id, shownAtMs }] : [])],
    };
  }
  return { state: { screen: { name: 'idle' }, queue: [] }, effects: expired };
}

/** The screen the flow moves to once a record is durable, its timers started now. */
function afterSaving(state: FlowState, saved: Extract<Screen, { name: 'saving' }>, now: number, policies: Policies): Transition {
  const { current, shownAtMs, after, extraPresses } = saved;
  const to = (screen: Screen): Transition => ({ state: { ...state, screen }, effects: [] });
  switch (after.name) {
    case 'thanks':
      return thanks(state, current.invitation.id, extraPresses, saved.ending.outcome, now, policies);
    case 'rating':
      return to({ name: 'rating', current, shownAtMs, deadlineMs: now + policies.inviteTimeoutSec * 1000 });
    case 'confirm':
      return to({ name: 'confirm', current, shownAtMs, level: after.level, pressedAtMs: after.pressedAtMs, method: after.method, deadlineMs: now + CONFIRM_WAIT_MS });
    case 'details':
      return to({
        name: 'details',
        current,
        shownAtMs,
        pressedAtMs: after.pressedAtMs,
        method: after.method,
        draft: { level: after.level, tags: [], comment: '', isPublic: false, callbackRequested: false, phone: '', phoneInvalid: false },
        inputArmed: false,
        armsAtMs: now + DETAILS_INPUT_GUARD_MS,
        deadlineMs: now + policies.detailsTimeoutSec * 1000,
      });
  }
}

function thanks(state: FlowState, invitationId: string, extraPresses: number, outcome: OutcomeKind, now: number, policies: Policies): Transition {
  return { state: { ...state, screen: { name: 'thanks', invitationId, extraPresses, outcome, deadlineMs: now + policies.thanksSec * 1000 } }, effects: [] };
}

/**
 * Whether this rating screen should ask the intake for its case QR (一事一评 on every 办结): the
 * hall's caseQrOnEveryClose, a 办结 of a registered case (not a free rating), not shown yet.
 */
export function offersCaseQr(screen: Screen, policies: Policies): screen is RatingScreenState {
  return screen.name === 'rating' && policies.caseQrOnEveryClose && screen.current.invitation.event === 'closed' && screen.current.invitation.free !== true && screen.caseQrAtMs === undefined;
}

/**
 * When a thanks screen showing the case QR since `shownAt` ends: after the hall's caseQrSec with
 * nobody tapping 完成, or CASE_QR_YIELD_MS after it showed once the next invitation waits.
 */
function caseQrDeadline(shownAt: number, nextWaiting: boolean, policies: Policies): number {
  const full = shownAt + policies.caseQrSec * 1000;
  return nextWaiting ? Math.min(full, shownAt + CASE_QR_YIELD_MS) : full;
}

function save(state: FlowState, screen: RatingScreenState | DetailsScreenState | ConfirmScreenState, ending: Ending, after: AfterSaving): Transition {
  const { current, shownAtMs } = screen;
  // A press or a decline ends what the case QR offered: it is gone from the screen left up while the write lands.
  const behind = screen.name === 'rating' && screen.caseQrAtMs !== undefined ? (({ caseQrAtMs: _gone, ...rest }) => rest)(screen) : screen;
  return {
    state: { ...state, screen: { name: 'saving', current, shownAtMs, ending, after, extraPresses: 0, behind } },
    effects: [{ type: 'save', invitation: current.invitation, ending }],
  };
}

function pressEnding(level: Level, method: InputMethod, inviteToPressMs: number): Ending {
  return { outcome: 'rated', level, tags: [], isPublic: false, callback: { requested: false }, input: { method, inviteToPressMs } };
}

/** A record about the press already made on this screen (confirm, withdrawal): the press's level, no details. */
function amendment(screen: DetailsScreenState | ConfirmScreenState, kind: 'confirm' | 'withdrawal'): Ending {
  const level = screen.name === 'details' ? screen.draft.level : screen.level;
  return { ...pressEnding(level, screen.method, Math.max(0, screen.pressedAtMs - screen.shownAtMs)), amends: { kind } };
}

function emptyEnding(outcome: 'unrated' | 'declined'): Ending {
  return { outcome, tags: [], isPublic: false, callback: { requested: false }, input: { method: 'none', inviteToPressMs: null } };
}

function detailsEnding(screen: DetailsScreenState, phone: string | undefined): Ending {
  const { draft } = screen;
  const comment = draft.comment.trim();
  const requested = draft.callbackRequested && phone !== undefined;
  return {
    outcome: 'rated',
    level: draft.level,
    tags: draft.tags,
    ...(comment ? { comment } : {}),
    isPublic: draft.isPublic,
    callback: requested ? { requested, phone } : { requested: false },
    input: { method: screen.method, inviteToPressMs: Math.max(0, screen.pressedAtMs - screen.shownAtMs) },
    amends: { kind: 'details' },
  };
}

function currentInvitationId(screen: Screen): string | undefined {
  switch (screen.name) {
    case 'rating':
    case 'details':
    case 'confirm':
    case 'saving':
    case 'saveFailed':
      return screen.current.invitation.id;
    case 'thanks':
      return screen.invitationId;
    case 'idle':
      return undefined;
  }
}

/** The next moment at which a TICK can change anything, or null when nothing is timed. */
export function nextDeadline(screen: Screen): number | null {
  switch (screen.name) {
    case 'details':
      return screen.inputArmed ? screen.deadlineMs : screen.armsAtMs;
    case 'rating':
    case 'confirm':
    case 'thanks':
      return screen.deadlineMs;
    case 'saveFailed':
      return screen.retryAtMs;
    default:
      return null;
  }
}
