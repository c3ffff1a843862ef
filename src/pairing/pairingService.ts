import type { IntakeClient } from '../sync/intakeClient';
import { useStaffStore, type StaffSessions } from './staffSessions';

export interface PairingServiceOptions {
  client: Pick<IntakeClient, 'requestPairingCode' | 'pairingStatus'>;
  sessions: StaffSessions;
  now: () => number;
  /** How often to ask the intake whether the code was confirmed. */
  pollMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * While nobody is signed in, keeps a pairing code from the intake on the idle screen and asks
 * whether staff confirmed it; a confirmed code signs the staff member in. An expired or replaced
 * code is swapped for a new one; an unreachable intake is asked again later.
 */
export function startPairingService({ client, sessions, now, pollMs = 2000, setTimer, clearTimer }: PairingServiceOptions): { stop(): void } {
  const arm = setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const disarm = clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  let timer: unknown;
  let stopped = false;
  let busy = false;
  /** A wake-up that came while a step was running: run again once it ends. */
  let again = false;

  const later = (ms: number) => {
    if (stopped) return;
    if (timer !== undefined) disarm(timer);
    timer = arm(() => {
      timer = undefined;
      void step();
    }, ms);
  };

  async function step(): Promise<void> {
    if (stopped) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      if (useStaffStore.getState().session) return; // woken again by the store when the session ends
      const shown = useStaffStore.getState().pairing;
      if (!shown || shown.expiresAtMs <= now()) {
        const issued = await client.requestPairingCode();
        if (stopped) return;
        if (!issued) {
          useStaffStore.setState({ pairing: null });
          return later(pollMs * 5);
        }
        // The intake's expiry on the device's clock.
        const expiresAtMs = now() + (issued.expiresAtMs - issued.serverTimeMs);
        useStaffStore.setState({ pairing: { code: issued.code, confirmUrl: issued.confirmUrl, expiresAtMs } });
        return later(pollMs);
      }
      const status = await client.pairingStatus(shown.code);
      if (stopped) return;
      if (status?.status === 'confirmed' && status.staff && status.pairedAtMs !== undefined) {
        await sessions.login({ staff: status.staff, pairedAtMs: now() - (status.serverTimeMs - status.pairedAtMs), via: 'pairing-code' });
        return;
      }
      if (status?.status === 'expired' || status?.status === 'replaced') useStaffStore.setState({ pairing: null });
      later(status?.status === 'waiting' || !status ? pollMs : 0);
    } finally {
      busy = false;
      if (again) {
        again = false;
        later(0);
      }
    }
  }

  const unsubscribe = useStaffStore.subscribe((state, previous) => {
    if (previous.session && !state.session) later(0);
  });
  void step();

  return {
    stop() {
      stopped = true;
      unsubscribe();
      if (timer !== undefined) disarm(timer);
      useStaffStore.setState({ pairing: null });
    },
  };
}
