import { describe, expect, it } from 'vitest';
import type { SignedInPerson } from '../../contract/people';
import { TICKET_EVENT_TYPES } from '../../contract/tickets';
import { DEFAULT_TICKET_POLICY, openTicket, type Ticket } from '../tickets/ticketMachine';
import { actorOf, listScope, maySee, refusalOf, reviewConflict } from './access';

const person = (over: Partial<SignedInPerson>): SignedInPerson => ({ login: 'p1', name: 'P', role: 'manager', staffIds: [], ...over });
const handler = person({ login: 'h1', role: 'handler', department: '民政局' });
const otherHandler = person({ login: 'h2', role: 'handler', department: '税务局' });
const manager = person({ login: 'm1', role: 'manager' });
const auditor = person({ login: 'a1', role: 'auditor' });
const reviewer = person({ login: 'r1', role: 'reviewer', department: '政务服务管理办公室' });

const base = openTicket({ openedAt: 0, realName: false, ratedStaff: ['zhang3', 'S001'], department: '民政局' }, (start, n) => start + n, DEFAULT_TICKET_POLICY);
const appealed: Ticket = {
  ...base,
  stage: 'appealed',
  finding: { finding: 'mistaken', reason: 'pressed by mistake', at: 1, by: 'h1' },
  appeal: { finding: 'mistaken', department: '民政局', reasons: 'the citizen said so', evidence: [], filedAt: 2, by: 'h1', decision: null },
};

describe('actorOf', () => {
  it('names the person by login, department and role', () => {
    expect(actorOf(handler)).toEqual({ id: 'h1', department: '民政局', role: 'handler' });
    expect(actorOf(manager)).toEqual({ id: 'm1', department: null, role: 'manager' });
  });
});

describe('maySee and listScope', () => {
  it('limits a handler to their own department', () => {
    expect(maySee(handler, '民政局')).toBe(true);
    expect(maySee(handler, '税务局')).toBe(false);
    expect(maySee(handler, null)).toBe(false);
    expect(listScope(handler)).toBe('民政局');
  });
  it('lets every other role see every ticket', () => {
    for (const p of [manager, auditor, reviewer]) {
      expect(maySee(p, '税务局')).toBe(true);
      expect(maySee(p, null)).toBe(true);
      expect(listScope(p)).toBeNull();
    }
  });
});

describe('refusalOf', () => {
  it('refuses the auditor every step', () => {
    for (const step of TICKET_EVENT_TYPES) expect(refusalOf(auditor, base, step)).toMatch(/auditor/);
  });
  it('lets the manager take every step but deciding an appeal, on any department', () => {
    const elsewhere = { ...base, department: '税务局' };
    for (const step of TICKET_EVENT_TYPES.filter((s) => s !== 'decide_appeal')) expect(refusalOf(manager, elsewhere, step)).toBeNull();
    expect(refusalOf(manager, appealed, 'decide_appeal')).toMatch(/only a centre reviewer/);
  });
  it('lets a handler act on their own department only, and never decide an appeal', () => {
    for (const step of TICKET_EVENT_TYPES.filter((s) => s !== 'decide_appeal')) {
      expect(refusalOf(handler, base, step)).toBeNull();
      expect(refusalOf(otherHandler, base, step)).toMatch(/own department/);
    }
    expect(refusalOf(handler, appealed, 'decide_appeal')).toMatch(/only a centre reviewer/);
    expect(refusalOf(otherHandler, appealed, 'decide_appeal')).toMatch(/own department/);
  });
  it('lets a reviewer decide an appeal and nothing else', () => {
    expect(refusalOf(reviewer, appealed, 'decide_appeal')).toBeNull();
    for (const step of TICKET_EVENT_TYPES.filter((s) => s !== 'decide_appeal')) expect(refusalOf(reviewer, appealed, step)).toMatch(/decides appeals and takes no other step/);
  });
  it('refuses a reviewer rated under any of their staff ids', () => {
    const rated = person({ login: 'r2', role: 'reviewer', staffIds: ['other', 'S001'] });
    expect(refusalOf(rated, appealed, 'decide_appeal')).toBe('the rated staff member may not review an appeal about their own rating');
    expect(reviewConflict(person({ login: 'r3', role: 'reviewer', staffIds: ['S002'] }), appealed)).toBeNull();
  });
  it('refuses a reviewer whose login is the rated staff id', () => {
    expect(refusalOf(person({ login: 'zhang3', role: 'reviewer' }), appealed, 'decide_appeal')).toMatch(/rated staff member/);
  });
  it('refuses a reviewer from the appealing department', () => {
    expect(refusalOf(person({ login: 'r4', role: 'reviewer', department: '民政局' }), appealed, 'decide_appeal')).toMatch(/appealing department/);
  });
});
