import { createStore, type StoreApi } from 'zustand/vanilla';
import type { DeviceContext, Policies } from '../../contract/hallConfig';
import type { StaffSession } from '../../contract/staffSession';
import type { Invitation } from '../../contract/invitation';
import type { InvitationReport } from '../../contract/invitationReport';
import type { EvaluatorDb } from '../data/db';
import { invitationReportOf, loadPendingInvitations, markInvitationShown, noteExtraPresses, storeInvitation } from '../data/invitations';
import { AlreadyEnded, createOutcomeRecorder, NothingToAmend, type OutcomeSigner, type SealedEnding } from '../data/outbox';
import { outcomeSigner } from '../device/deviceKey';
import { sealPhone } from '../integrity/sealPhone';
import { loadDeviceContext, saveDeviceContext } from '../data/deviceContext';
import { pruneDeviceData } from '../data/prune';
import { markPerformance } from '../lib/performanceMarks';
import { freeRatingInvitation } from './freeRating';
import { initialFlowState, nextDeadline, transition, type Effect, type Ending, type FlowEvent, type FlowState, type PendingInvitation } from './machine';

/** Events as the UI sends them: the store stamps the time. */
export type UiEvent = FlowEvent extends infer E ? (E extends { now: number } ? Omit<E, 'now'> : never) : never;

export interface FlowStoreState {
  flow: FlowState;
  context: DeviceContext | null;
  hostConnected: boolean;
  lastError: string | null;
  /** The intake's key for sealing callback phone numbers; without one the callback choice is hidden. */
  sealingKey: string | null;
  send(event: UiEvent): void;
  /**
   * A citizen asks to rate the window without a case. Honoured only on the idle screen, when the
   * hall allows free rating and a staff member is signed in; returns whether a rating began.
   */
  startFreeRating(): Promise<boolean>;
}

export interface FlowStoreDeps {
  db: EvaluatorDb;
  /** Epoch ms with sub-ms resolution; injectable for tests. */
  now: () => number;
  /** Called once an invitation is durable locally, so the host may forget it. */
  ackInvitation?: (invitationId: string) => void;
  /** Called after each outcome is durable: the sync engine's cue. */
  onOutcomeRecorded?: () => void;
  /** Intake clock minus device clock, when known; recorded with each outcome. */
  clockOffsetMs?: () => number | null;
  /** The staff member signed in at this window (whom a free rating rates), since when and how; null when nobody is. */
  staffSession?: () => StaffSession | null;
  /** Signs outcome hashes; the device key by default. */
  sign?: OutcomeSigner;
  /**
   * Loads every module a press needs on its way to the database (src/pwa/pressPath.ts). No rating
   * screen shows before it settled: a press must never wait on (or fail for) a chunk.
   */
  pressPathReady?: () => Promise<unknown>;
  /** Called when a new invitation (and its report for the intake) is durable: the report uploader's cue. */
  onInvitationStored?: () => void;
  /** A write the device could not make durable (staff see it in the admin panel). */
  onWriteFailed?: (failure: WriteFailure) => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export interface WriteFailure {
  what: 'invitation' | 'outcome';
  error: string;
  atMs: number;
}

export type FlowStore = StoreApi<FlowStoreState> & {
  /** Restores pending invitations and the cached device context from the database. */
  restore(): Promise<void>;
  receiveInvitation(invitation: Invitation): Promise<void>;
  setContext(context: DeviceContext): Promise<void>;
  setHostConnected(connected: boolean): void;
  /** The intake's sealing key learnt at run time (the provisioned one in the context wins). */
  setSealingKey(key: string): Promise<void>;
  dispose(): void;
};

const SEALING_KEY = 'intakeSealingKey';
/** A device clock within this of the intake's is trusted to judge an invitation's age. */
export const CLOCK_TRUST_MS = 5 * 60_000;

/** Replaces a callback phone number by its sealed box; the clear number goes no further. */
/**
 * The ending with its phone number sealed. The rating outranks the phone: when no key is known or
 * sealing fails, the outcome keeps "callback requested" without a number (the follow-up still
 * opens) rather than never being recorded.
 */
async function sealEnding(ending: Ending, sealingKey: string | null | undefined, onLostPhone: (reason: string) => void): Promise<SealedEnding> {
  const { phone, requested } = ending.callback;
  if (phone === undefined) return { ...ending, callback: { requested } };
  try {
    if (!sealingKey) throw new Error('no intake sealing key on this device');
    return { ...ending, callback: { requested, sealedPhone: await sealPhone(phone, sealingKey) } };
  } catch (error) {
    onLostPhone(`callback phone not kept: ${error instanceof Error ? error.message : String(error)}`);
    return { ...ending, callback: { requested } };
  }
}

/**
 * Drives the pure flow machine: stamps events with the time, runs the machine's effects against
 * the database, and keeps one timer armed for the current screen's next deadline.
 */
export function createFlowStore(deps: FlowStoreDeps): FlowStore {
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let timer: unknown;
  let disposed = false;
  let freeRatingStarting = false;
  let pressPathLoaded = deps.pressPathReady === undefined;
  let pressPath: Promise<void> | null = null;
  /** Runs `next` once the press path is loaded; if it cannot load, the screen shows anyway (never blocked for good). */
  const afterPressPath = (next: () => void) => {
    pressPath ??= Promise.resolve(deps.pressPathReady?.())
      .catch((error: unknown) => reportError(error))
      .then(() => void (pressPathLoaded = true));
    void pressPath.then(next);
  };
  const recorder = createOutcomeRecorder(deps.db, deps.sign ?? outcomeSigner(deps.db));

  const store = createStore<FlowStoreState>()(() => ({
    flow: initialFlowState,
    context: null,
    hostConnected: false,
    lastError: null,
    sealingKey: null,
    send: (event: UiEvent) => {
      const { screen } = store.getState().flow;
      if (event.type === 'PRESS' && screen.name === 'rating') {
        markPerformance('rating-press', { invitationId: screen.current.invitation.id });
      }
      dispatch({ ...event, now: deps.now() } as FlowEvent);
    },
    startFreeRating: async () => {
      const { context, flow } = store.getState();
      const staff = deps.staffSession?.()?.staff ?? null;
      // One at a time: a double tap must not make two invitations while the first is being stored.
      if (!context?.policies.allowFreeRating || !staff || flow.screen.name !== 'idle' || freeRatingStarting) return false;
      freeRatingStarting = true;
      try {
        const invitation = freeRatingInvitation(context, staff, deps.now());
        const pending = await storeInvitation(deps.db, invitation, reportOf(invitation));
        if (pending) {
          deps.onInvitationStored?.();
          dispatch({ type: 'INVITE', pending, now: deps.now() });
        }
        return pending !== null;
      } finally {
        freeRatingStarting = false;
      }
    },
  }));

  // Before a device context is known the schema defaults apply; they come with zod, which is
  // loaded beside the first screen rather than in it (initial JS budget).
  let defaultPolicies: Policies | null = null;
  const defaultsLoaded = import('../../contract/hallConfig').then(({ PoliciesSchema }) => {
    defaultPolicies = PoliciesSchema.parse({});
  });

  function dispatch(event: FlowEvent): void {
    if (disposed) return;
    if (event.type === 'INVITE' && !pressPathLoaded) {
      afterPressPath(() => dispatch(event));
      return;
    }
    const policies = store.getState().context?.policies ?? defaultPolicies;
    if (!policies) {
      // Nothing is dropped: the event runs as soon as the defaults are there.
      void defaultsLoaded.then(() => dispatch(event));
      return;
    }
    // A clock the intake found minutes off cannot judge an invitation's age (see FlowEnv).
    const offset = deps.clockOffsetMs?.() ?? null;
    const { state, effects } = transition(store.getState().flow, event, policies, { clockTrusted: offset === null || Math.abs(offset) <= CLOCK_TRUST_MS });
    // Effects first: a press's write is under way before React re-renders for the next screen.
    effects.forEach(run);
    if (state !== store.getState().flow) store.setState({ flow: state });
    armTimer();
  }

  function armTimer(): void {
    if (timer !== undefined) clearTimer(timer);
    timer = undefined;
    const deadline = nextDeadline(store.getState().flow.screen);
    if (deadline === null || disposed) return;
    timer = setTimer(() => {
      timer = undefined;
      dispatch({ type: 'TICK', now: deps.now() });
    }, Math.max(0, deadline - deps.now()));
  }

  /** The intake's report of a new invitation; none before the device knows its context (then nothing can be due). */
  function reportOf(invitation: Invitation): InvitationReport | undefined {
    const context = store.getState().context;
    return context ? invitationReportOf(invitation, context, Date.now(), deps.clockOffsetMs?.() ?? null) : undefined;
  }

  function reportError(error: unknown): void {
    store.setState({ lastError: error instanceof Error ? error.message : String(error) });
  }

  function run(effect: Effect): void {
    switch (effect.type) {
      case 'save': {
        const { invitation, ending } = effect;
        const context = store.getState().context;
        if (!context) {
          // After the state this effect came with is in place (effects run before it is set).
          queueMicrotask(() => dispatch({ type: 'SAVE_FAILED', invitationId: invitation.id, error: 'device context not loaded yet', now: deps.now() }));
          return;
        }
        const clockOffsetMs = deps.clockOffsetMs?.() ?? null;
        const nowMs = deps.now();
        const wallMs = Date.now();
        const signedIn = deps.staffSession?.() ?? null;
        sealEnding(ending, context.intake?.sealingPublicKey ?? store.getState().sealingKey, reportError)
          .then((sealed) => recorder.record(invitation, sealed, { context, clockOffsetMs, nowMs, wallMs, signedIn, free: invitation.free === true }))
          .then(
          (outcome) => {
            markPerformance('outcome-durable', { invitationId: invitation.id, outcomeId: outcome.id });
            dispatch({ type: 'SAVED', invitationId: invitation.id, now: deps.now() });
            deps.onOutcomeRecorded?.();
          },
          (error: unknown) => {
            reportError(error);
            // Retrying cannot make a press appear, nor unend an invitation another screen ended:
            // the flow goes on, the reason stays on record.
            if (error instanceof NothingToAmend || error instanceof AlreadyEnded) dispatch({ type: 'SAVED', invitationId: invitation.id, now: deps.now() });
            else {
              deps.onWriteFailed?.({ what: 'outcome', error: String(error), atMs: Date.now() });
              dispatch({ type: 'SAVE_FAILED', invitationId: invitation.id, error: String(error), now: deps.now() });
            }
          },
        );
        return;
      }
      case 'expire': {
        // Recorded like any ending, off screen: it was never put to the citizen at the device now.
        const context = store.getState().context;
        if (!context) return; // still pending in the database: restored, and expired, once a context is known
        const ending: SealedEnding = { outcome: 'expired', tags: [], isPublic: true, callback: { requested: false }, input: { method: 'none', inviteToPressMs: null } };
        recorder
          .record(effect.invitation, ending, { context, clockOffsetMs: deps.clockOffsetMs?.() ?? null, nowMs: deps.now(), wallMs: Date.now(), signedIn: deps.staffSession?.() ?? null })
          .then(() => deps.onOutcomeRecorded?.(), reportError);
        return;
      }
      case 'markShown':
        markInvitationShown(deps.db, effect.invitationId, effect.shownAtMs).catch(reportError);
        return;
      case 'noteExtraPresses':
        noteExtraPresses(deps.db, effect.invitationId, effect.extraPresses).catch(reportError);
        return;
    }
  }

  return Object.assign(store, {
    async restore() {
      const [context, sealing] = await Promise.all([loadDeviceContext(deps.db), deps.db.meta.get(SEALING_KEY), defaultsLoaded]);
      if (context && !store.getState().context) store.setState({ context });
      if (typeof sealing?.value === 'string' && !store.getState().sealingKey) store.setState({ sealingKey: sealing.value });
      for (const pending of await loadPendingInvitations(deps.db)) {
        dispatch({ type: 'INVITE', pending, now: deps.now() });
      }
      // The device's own bookkeeping stays bounded; after the restore, off the first screen's path.
      void pruneDeviceData(deps.db, Date.now()).catch(reportError);
    },
    async receiveInvitation(invitation: Invitation) {
      let pending: PendingInvitation | null;
      try {
        pending = await storeInvitation(deps.db, invitation, reportOf(invitation));
      } catch (error) {
        // Not durable here, so not acknowledged: the host keeps it and sends it again. The
        // citizen at the counter is asked all the same (the ending's write carries the
        // invitation with it), and staff see why in the admin panel.
        reportError(error);
        deps.onWriteFailed?.({ what: 'invitation', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error), atMs: Date.now() });
        dispatch({ type: 'INVITE', pending: { invitation }, now: deps.now() });
        return;
      }
      deps.ackInvitation?.(invitation.id);
      if (pending) {
        deps.onInvitationStored?.();
        dispatch({ type: 'INVITE', pending, now: deps.now() });
      }
    },
    async setContext(context: DeviceContext) {
      store.setState({ context });
      await saveDeviceContext(deps.db, context);
      armTimer();
    },
    setHostConnected(connected: boolean) {
      store.setState({ hostConnected: connected });
    },
    async setSealingKey(key: string) {
      store.setState({ sealingKey: key });
      await deps.db.meta.put({ key: SEALING_KEY, value: key });
    },
    dispose() {
      disposed = true;
      if (timer !== undefined) clearTimer(timer);
    },
  });
}

export { markPerformance };
