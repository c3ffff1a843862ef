import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StaffSession } from '../../contract/staffSession';
import { listAudit, verifyAuditLog } from '../data/auditLog';
import { openEvaluatorDb, type EvaluatorDb } from '../data/db';
import { createStaffSessions, lastLogoutTime, useStaffStore } from './staffSessions';

const zhang: StaffSession = { staff: { loginName: 'zhangsan', name: '张三', staffNo: 'A0123' }, pairedAtMs: new Date(2026, 10, 23, 9, 0).getTime(), via: 'pairing-code' };
const li: StaffSession = { staff: { loginName: 'lisi', name: '李四' }, pairedAtMs: new Date(2026, 10, 23, 13, 0).getTime(), via: 'login-event' };

let db: EvaluatorDb;
let clock = new Date(2026, 10, 23, 14, 0).getTime();
beforeEach(() => {
  db = openEvaluatorDb(`staff-${crypto.randomUUID()}`);
  clock = new Date(2026, 10, 23, 14, 0).getTime();
  useStaffStore.setState({ session: null, pairing: null });
});
afterEach(() => db.close());

describe('staff sessions', () => {
  it('finds the latest sign-out time at or before now', () => {
    expect(lastLogoutTime('20:00', new Date(2026, 10, 23, 21, 0).getTime())).toBe(new Date(2026, 10, 23, 20, 0).getTime());
    expect(lastLogoutTime('20:00', new Date(2026, 10, 23, 8, 0).getTime())).toBe(new Date(2026, 10, 22, 20, 0).getTime());
  });

  it('keeps the pairing across a restart; a new login replaces it; the staff member signs out on request; all audited', async () => {
    const sessions = createStaffSessions(db, () => clock);
    expect(sessions.current()?.pairedAtMs ?? null).toBeNull();
    await sessions.login(zhang);
    expect(sessions.current()?.pairedAtMs ?? null).toBe(zhang.pairedAtMs);

    useStaffStore.setState({ session: null });
    const restarted = createStaffSessions(db, () => clock);
    await restarted.restore('20:00');
    expect(useStaffStore.getState().session).toEqual(zhang);

    await restarted.login(li);
    expect(useStaffStore.getState().session?.staff.loginName).toBe('lisi');
    useStaffStore.getState().requestLogout?.();
    await expect.poll(() => restarted.current()?.pairedAtMs ?? null).toBeNull();
    await expect.poll(async () => (await listAudit(db)).length).toBe(4);
    const audit = (await listAudit(db)).reverse().map((row) => [row.action, row.detail.reason ?? row.detail.via]);
    expect(audit).toEqual([['staff-login', 'pairing-code'], ['staff-logout', 'new-login'], ['staff-login', 'login-event'], ['staff-logout', 'requested']]);
    expect(await verifyAuditLog(db)).toBeNull();
  });

  it('signs out at the end of the day, also when the device was off at that time', async () => {
    const sessions = createStaffSessions(db, () => clock);
    await sessions.login(zhang);
    await sessions.endOfDay('20:00');
    expect(sessions.current()?.pairedAtMs ?? null).toBe(zhang.pairedAtMs);
    clock = new Date(2026, 10, 24, 8, 0).getTime();
    useStaffStore.setState({ session: null });
    await createStaffSessions(db, () => clock).restore('20:00');
    expect(useStaffStore.getState().session).toBeNull();
    expect((await listAudit(db, 1))[0]?.detail.reason).toBe('end-of-day');
  });

  it('follows the window business system, ignoring a repeated stale login after a logout', async () => {
    const sessions = createStaffSessions(db, () => clock);
    await sessions.applyLoginEvent(li, li.pairedAtMs);
    expect(sessions.current()?.pairedAtMs ?? null).toBe(li.pairedAtMs);
    await sessions.applyLoginEvent(null, li.pairedAtMs + 1000);
    expect(sessions.current()?.pairedAtMs ?? null).toBeNull();
    await sessions.applyLoginEvent(li, li.pairedAtMs); // the host repeats its last login on reconnect
    expect(sessions.current()?.pairedAtMs ?? null).toBeNull();
    const later = { ...zhang, pairedAtMs: li.pairedAtMs + 5000 };
    await sessions.login(later);
    await sessions.applyLoginEvent(null, li.pairedAtMs + 1000); // an older logout does not end a newer pairing
    expect(sessions.current()?.pairedAtMs ?? null).toBe(later.pairedAtMs);
  });
});
