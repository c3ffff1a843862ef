import { create } from 'zustand';
import type { StaffLogoutReason, StaffSession } from '../../contract/staffSession';
import type { EvaluatorDb } from '../data/db';

/** A pairing code the device shows while nobody is signed in. */
export interface ShownPairingCode {
  code: string;
  confirmUrl: string;
  /** On the device's clock. */
  expiresAtMs: number;
}

interface StaffState {
  session: StaffSession | null;
  pairing: ShownPairingCode | null;
  /** Signs the staff member out at their request (the staff card's button). */
  requestLogout: (() => void) | null;
}

/** Who is serving at this window, for the idle screen's staff card and for each outcome's flags. */
export const useStaffStore = create<StaffState>()(() => ({ session: null, pairing: null, requestLogout: null }));

const SESSION_KEY = 'staffSession';
const LOGGED_OUT_AT_KEY = 'staffLoggedOutAtMs';

/** The most recent local HH:MM at or before nowMs: the day's sign-out time. */
export function lastLogoutTime(hhmm: string, nowMs: number): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const at = new Date(nowMs);
  at.setHours(h, m, 0, 0);
  if (at.getTime() > nowMs) at.setDate(at.getDate() - 1);
  return at.getTime();
}

/**
 * Staff sessions, kept in the device database so a reload or power cut keeps the pairing. A new
 * login replaces the old one; the day's sign-out time ends it; so does the staff member's request
 * or the window business system's logout. Each change goes into the admin audit log.
 */
export function createStaffSessions(db: EvaluatorDb, now: () => number = Date.now) {
  const set = (session: StaffSession | null) => useStaffStore.setState(session ? { session, pairing: null } : { session });

  async function logout(reason: StaffLogoutReason): Promise<void> {
    const current = useStaffStore.getState().session;
    if (!current) return;
    set(null);
    const at = now();
    const { appendAudit } = await import('../data/auditLog');
    await appendAudit(db, 'staff-logout', { loginName: current.staff.loginName, reason }, {
      tables: ['meta'],
      run: async () => {
        await db.meta.delete(SESSION_KEY);
        await db.meta.put({ key: LOGGED_OUT_AT_KEY, value: at });
      },
    });
  }

  async function login(session: StaffSession): Promise<void> {
    const current = useStaffStore.getState().session;
    if (current && current.pairedAtMs === session.pairedAtMs && current.staff.loginName === session.staff.loginName) return;
    if (current) await logout('new-login');
    set(session);
    const { appendAudit } = await import('../data/auditLog');
    await appendAudit(db, 'staff-login', { loginName: session.staff.loginName, via: session.via }, {
      tables: ['meta'],
      run: async () => {
        await db.meta.put({ key: SESSION_KEY, value: session });
      },
    });
  }

  useStaffStore.setState({ requestLogout: () => void logout('requested') });

  return {
    login,
    logout,
    /** Restores the stored session unless the day's sign-out time has passed since it began. */
    async restore(logoutAt: string): Promise<void> {
      // The schema (zod) loads here, after the first screen (initial JS budget).
      const { StaffSessionSchema } = await import('../../contract/staffSession');
      const stored = StaffSessionSchema.safeParse((await db.meta.get(SESSION_KEY))?.value);
      if (!stored.success) return;
      set(stored.data);
      await this.endOfDay(logoutAt);
    },
    /** Signs out a session begun before the latest sign-out time; call it now and then. */
    async endOfDay(logoutAt: string): Promise<void> {
      const session = useStaffStore.getState().session;
      if (session && session.pairedAtMs < lastLogoutTime(logoutAt, now())) await logout('end-of-day');
    },
    /** The window business system's login (session) or logout (null), as of atMs. */
    async applyLoginEvent(session: StaffSession | null, atMs: number): Promise<void> {
      const loggedOutAt = (await db.meta.get(LOGGED_OUT_AT_KEY))?.value;
      const current = useStaffStore.getState().session;
      if (session === null) {
        // Only a session older than the logout ends; a newer pairing at the device stays.
        if (current && current.pairedAtMs <= atMs) await logout('login-event');
        return;
      }
      // A login the device has since seen a logout for (repeated on reconnect) is stale.
      if (typeof loggedOutAt === 'number' && session.pairedAtMs <= loggedOutAt) return;
      if (current && current.pairedAtMs > session.pairedAtMs) return;
      await login(session);
    },
    /** Who is signed in at this window, since when and how (for outcomes and free ratings); null when nobody is. */
    current: (): StaffSession | null => useStaffStore.getState().session,
  };
}

export type StaffSessions = ReturnType<typeof createStaffSessions>;
