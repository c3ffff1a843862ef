import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StaffSession } from '../../contract/staffSession';
import { openEvaluatorDb, type EvaluatorDb } from '../data/db';
import { startPairingService } from './pairingService';
import { createStaffSessions, useStaffStore } from './staffSessions';

const zhang: StaffSession['staff'] = { loginName: 'zhangsan', name: '张三', staffNo: 'A0123' };

let db: EvaluatorDb;
const clock = new Date(2026, 10, 23, 14, 0).getTime();
beforeEach(() => {
  db = openEvaluatorDb(`pairing-${crypto.randomUUID()}`);
  useStaffStore.setState({ session: null, pairing: null });
});
afterEach(() => db.close());

describe('pairing service', () => {
  it('shows a code, signs in the staff member once it is confirmed, and shows a new code after sign-out', async () => {
    const sessions = createStaffSessions(db, () => clock);
    const codes = ['123456', '654321'];
    let confirmed = false;
    const client = {
      requestPairingCode: async () => ({ code: codes.shift() ?? '000000', expiresAtMs: 1_300_000, confirmUrl: 'https://intake.example/pair?code=x', serverTimeMs: 1_000_000 }),
      pairingStatus: async () =>
        confirmed
          ? { status: 'confirmed' as const, staff: zhang, pairedAtMs: 999_000, serverTimeMs: 1_000_000 }
          : { status: 'waiting' as const, serverTimeMs: 1_000_000 },
    };
    const service = startPairingService({ client, sessions, now: () => clock, pollMs: 5 });
    await expect.poll(() => useStaffStore.getState().pairing?.code).toBe('123456');
    expect(useStaffStore.getState().pairing?.expiresAtMs).toBe(clock + 300_000);
    confirmed = true;
    await expect.poll(() => useStaffStore.getState().session?.staff.loginName).toBe('zhangsan');
    // Paired a second before the intake answered, on the device's clock.
    expect(sessions.current()?.pairedAtMs ?? null).toBe(clock - 1000);
    expect(useStaffStore.getState().pairing).toBeNull();
    confirmed = false;
    await sessions.logout('requested');
    await expect.poll(() => useStaffStore.getState().pairing?.code).toBe('654321');
    service.stop();
  });

  it('asks again when the intake cannot be reached, and swaps an expired code for a new one', async () => {
    const sessions = createStaffSessions(db, () => clock);
    const answers = [null, '111111', '222222'];
    const client = {
      requestPairingCode: async () => {
        const code = answers.shift();
        return code ? { code, expiresAtMs: 1_300_000, confirmUrl: 'https://intake.example/pair', serverTimeMs: 1_000_000 } : null;
      },
      pairingStatus: async (code: string) => ({ status: code === '111111' ? ('expired' as const) : ('waiting' as const), serverTimeMs: 1_000_000 }),
    };
    const service = startPairingService({ client, sessions, now: () => clock, pollMs: 2 });
    await expect.poll(() => useStaffStore.getState().pairing?.code).toBe('222222');
    expect(answers).toEqual([]);
    expect(sessions.current()?.pairedAtMs ?? null).toBeNull();
    service.stop();
    expect(useStaffStore.getState().pairing).toBeNull();
  });
});
