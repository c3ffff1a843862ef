import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a window QR's form stays good to post after the page was shown. */
export const WINDOW_FORM_MS = 2 * 3_600_000;

/** A new browser id for the window-QR cookie: 16 random bytes, base64url. */
export const newBrowserId = () => randomBytes(16).toString('base64url');

const BROWSER_ID = /^[A-Za-z0-9_-]{22}$/;
export const isBrowserId = (value: string | undefined): value is string => value !== undefined && BROWSER_ID.test(value);

function mac(secret: Buffer, hallCode: string, windowNo: string, browserId: string, issuedAt: number): string {
  return createHmac('sha256', secret).update(`window-form\0${hallCode}\0${windowNo}\0${browserId}\0${issuedAt}`).digest().subarray(0, 16).toString('base64url');
}

/**
 * The window form's token: it binds a post to the page this browser was shown for this window
 * (its cookie) within WINDOW_FORM_MS, so another site cannot post ratings in a visitor's name.
 */
export function windowFormToken(secret: Buffer, hallCode: string, windowNo: string, browserId: string, issuedAt: number): string {
  return `${issuedAt.toString(36)}.${mac(secret, hallCode, windowNo, browserId, issuedAt)}`;
}

export function checkWindowFormToken(secret: Buffer, token: string, hallCode: string, windowNo: string, browserId: string, now: number): boolean {
  const match = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!match) return false;
  const issuedAt = parseInt(match[1]!, 36);
  if (!(issuedAt <= now && now - issuedAt <= WINDOW_FORM_MS)) return false;
  const expected = Buffer.from(mac(secret, hallCode, windowNo, browserId, issuedAt));
  const given = Buffer.from(match[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
