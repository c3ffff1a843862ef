/**
 * When a work-queue session ends (issue 23): after a spell without use (a screen left signed in
 * in an office), and in any case some hours after sign-in (a working day). The session itself is
 * an encrypted cookie (@fastify/secure-session); these rules are checked on every request, on
 * the intake's clock.
 */
export interface SessionLimits {
  idleMs: number;
  maxMs: number;
}

/** 30 minutes idle, 10 hours in all. */
export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 30 * 60_000, maxMs: 10 * 3600_000 };

export interface SessionTimes {
  signedInAt: number;
  seenAt: number;
}

/** Whether a session signed in and last seen at these times is still good at `now`. */
export function sessionLive(times: SessionTimes, now: number, limits: SessionLimits): boolean {
  return now - times.seenAt <= limits.idleMs && now - times.signedInAt <= limits.maxMs && times.seenAt >= times.signedInAt && times.seenAt <= now;
}
