import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkWindowFormToken, newBrowserId, WINDOW_FORM_MS, windowFormToken } from './windowForm';

const secret = randomBytes(32);
const at = Date.parse('2026-12-01T10:00:00+08:00');

describe('the window form token', () => {
  it('opens a post from the same browser and window within two hours', () => {
    const browser = newBrowserId();
    const token = windowFormToken(secret, 'xihu-hall', 'A01', browser, at);
    expect(checkWindowFormToken(secret, token, 'xihu-hall', 'A01', browser, at + 60_000)).toBe(true);
    expect(checkWindowFormToken(secret, token, 'xihu-hall', 'A01', browser, at + WINDOW_FORM_MS + 1)).toBe(false);
  });

  it('refuses another browser, another window, another secret and an altered token', () => {
    const browser = newBrowserId();
    const token = windowFormToken(secret, 'xihu-hall', 'A01', browser, at);
    expect(checkWindowFormToken(secret, token, 'xihu-hall', 'A01', newBrowserId(), at)).toBe(false);
    expect(checkWindowFormToken(secret, token, 'xihu-hall', 'A02', browser, at)).toBe(false);
    expect(checkWindowFormToken(randomBytes(32), token, 'xihu-hall', 'A01', browser, at)).toBe(false);
    expect(checkWindowFormToken(secret, `${(at + 1).toString(36)}${token.slice(token.indexOf('.'))}`, 'xihu-hall', 'A01', browser, at + 5)).toBe(false);
    expect(checkWindowFormToken(secret, 'garbage', 'xihu-hall', 'A01', browser, at)).toBe(false);
  });
});
