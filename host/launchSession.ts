import { randomBytes } from 'node:crypto';
import { secretsEqual } from './secrets';

/** The HttpOnly session cookie the host's own page carries to the bridge. */
export const SESSION_COOKIE = 'hcp_bridge';

/** How long a launch code may wait for its first (and only) use. */
export const LAUNCH_CODE_TTL_MS = 5 * 60 * 1000;

export interface LaunchSession {
  id: string;
  /** Handed to the page in the redirect's fragment (never sent to a server, never printed); the bridge wants both. */
  bridgeToken: string;
}

export interface LaunchSessions {
  /** A fresh one-time code for `/launch?code=…`: the kiosk browser's launch file, a test, or a developer's link. */
  mintCode(): string;
  /** Burns the code: a session for its first use within the TTL, null for anything else. */
  redeem(code: string): LaunchSession | null;
  /** The session a Cookie header names, if any. */
  fromCookieHeader(header: string | undefined): LaunchSession | null;
  /** Set-Cookie for a session: HttpOnly, SameSite=Strict, this origin's paths only, gone when the browser closes. */
  setCookie(session: LaunchSession): string;
}

const secret = () => randomBytes(24).toString('base64url');

/**
 * The bridge's secrets. A launch code is the only thing that leaves the host (in an owner-only
 * launch file for the kiosk browser, or printed once for a developer); it is exchanged on first
 * use for a session cookie the page's scripts cannot read, and is worthless afterwards. Nothing
 * here is ever logged or put on a command line.
 */
export function createLaunchSessions(now: () => number = Date.now): LaunchSessions {
  const codes = new Map<string, number>();
  const sessions = new Map<string, LaunchSession>();
  return {
    mintCode() {
      const code = secret();
      codes.set(code, now() + LAUNCH_CODE_TTL_MS);
      return code;
    },
    redeem(code) {
      for (const [known, expiresAt] of codes) {
        if (expiresAt <= now()) codes.delete(known);
        else if (secretsEqual(code, known)) {
          codes.delete(known);
          const session = { id: secret(), bridgeToken: secret() };
          sessions.set(session.id, session);
          return session;
        }
      }
      return null;
    },
    fromCookieHeader(header) {
      const id = parseCookie(header, SESSION_COOKIE);
      if (!id) return null;
      for (const [known, session] of sessions) if (secretsEqual(id, known)) return session;
      return null;
    },
    setCookie: (session) => `${SESSION_COOKIE}=${session.id}; Path=/; HttpOnly; SameSite=Strict`,
  };
}

/** One cookie's value from a Cookie header (the first of that name). */
export function parseCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/**
 * The Host names the host answers to: its own loopback address and localhost, on its port. Any
 * other name is a page that rebound its DNS to 127.0.0.1 (or a mistake), and gets nothing.
 */
export function isOwnHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  const name = hostHeader.toLowerCase();
  return name === `127.0.0.1:${port}` || name === `localhost:${port}`;
}
