import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createWorkingDays, DEFAULT_CALENDAR_FILE, loadCalendar } from '../followups/workingDays';
import { checkLink, DEFAULT_LINK_WORKING_DAYS, linkMac, linkToken, newLinkId, parseLinkToken, type StoredLink } from './caseLinks';

const days = createWorkingDays(loadCalendar(DEFAULT_CALENDAR_FILE.pathname));
const secret = randomBytes(32);

function issue(issuedIso: string, n = DEFAULT_LINK_WORKING_DAYS, projectNo = 'P-2026-0001'): StoredLink {
  const issuedAt = Date.parse(issuedIso);
  const binding = {
    id: newLinkId(),
    deviceId: 'pad-a01',
    invitationId: '019abcde-0000-7000-8000-000000000001',
    event: 'closed' as const,
    case: { projectNo, taskCode: 'T-1', taskName: '营业执照', deptName: '市场监管局' },
    staff: { loginName: 'zhang.wei', name: '张伟' },
    window: { hallCode: 'xihu-hall', windowNo: 'A01', windowName: '综合受理 1 号窗口' },
    delivery: 'screen-qr' as const,
    issuedAt,
    expiresAt: days.deadline(issuedAt, n),
  };
  return { ...binding, mac: linkMac(secret, binding), usedAt: null };
}

const presented = (link: StoredLink) => parseLinkToken(linkToken(link))!;

describe('case-bound links', () => {
  it('are valid for five working days, counted past the National Day week and its make-up Saturday', () => {
    // Wed 30 Sep: 1–7 Oct off; Thu 8, Fri 9, Sat 10 (make-up), Mon 12, Tue 13 Oct.
    const link = issue('2026-09-30T16:00:00+08:00');
    expect(new Date(link.expiresAt).toISOString()).toBe('2026-10-13T15:59:59.999Z');
    expect(checkLink(secret, presented(link), link, Date.parse('2026-10-07T12:00:00+08:00'))).toMatchObject({ ok: true });
    expect(checkLink(secret, presented(link), link, Date.parse('2026-10-13T23:59:00+08:00'))).toMatchObject({ ok: true });
    expect(checkLink(secret, presented(link), link, Date.parse('2026-10-14T00:00:00+08:00'))).toEqual({ ok: false, refusal: 'expired' });
  });

  it('take the number of working days the hall sets', () => {
    // Fri 20 Nov, 2 working days: Mon 23, Tue 24.
    expect(new Date(issue('2026-11-20T10:00:00+08:00', 2).expiresAt).toISOString()).toBe('2026-11-24T15:59:59.999Z');
  });

  it('refuse a forged or altered token, and a stored binding altered behind the MAC', () => {
    const link = issue('2026-11-20T10:00:00+08:00');
    const at = Date.parse('2026-11-21T10:00:00+08:00');
    const token = linkToken(link);
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(checkLink(secret, parseLinkToken(flipped)!, link, at)).toEqual({ ok: false, refusal: 'forged' });
    // Signed with another secret.
    const forged = { ...link, mac: linkMac(randomBytes(32), link) };
    expect(checkLink(secret, presented(forged), link, at)).toEqual({ ok: false, refusal: 'forged' });
    // The row changed (another staff member credited) without the MAC.
    expect(checkLink(secret, presented(link), { ...link, staff: { loginName: 'li.na', name: '李娜' } }, at)).toEqual({ ok: false, refusal: 'forged' });
    // An expiry pushed later in the database does not extend the link.
    expect(checkLink(secret, presented(link), { ...link, expiresAt: link.expiresAt + 86_400_000 }, at)).toEqual({ ok: false, refusal: 'forged' });
    expect(checkLink(secret, presented(link), undefined, at)).toEqual({ ok: false, refusal: 'forged' });
    expect(parseLinkToken('not-a-token')).toBeNull();
  });

  it('are single use, and open only the case they were issued for', () => {
    const link = issue('2026-11-20T10:00:00+08:00');
    const at = Date.parse('2026-11-21T10:00:00+08:00');
    expect(checkLink(secret, presented(link), { ...link, usedAt: at - 1 }, at)).toEqual({ ok: false, refusal: 'used' });
    expect(checkLink(secret, presented(link), link, at, 'P-2026-0002')).toEqual({ ok: false, refusal: 'other-case' });
    expect(checkLink(secret, presented(link), link, at, 'P-2026-0001')).toMatchObject({ ok: true });
  });
});
