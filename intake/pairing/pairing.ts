import { randomInt } from 'node:crypto';
import type { Staff } from '../../contract/caseEvent';
import { staffIdentity } from '../../contract/staffIdentity';
import type { StaffCard } from '../../contract/staffSession';
import type { IntakeStore, PairingCodeRow } from '../store/store';

/** How long a pairing code can be confirmed. */
export const PAIRING_CODE_TTL_MS = 5 * 60 * 1000;
/** Wrong passwords tried against one code before it is burned (the device shows a new one). */
export const CODE_BURN_AFTER = 3;

export type ConfirmResult =
  | { ok: true; deviceId: string; pairedAtMs: number }
  | { ok: false; status: 404 | 409 | 410; code: string; message: string };

export type PairingStatus =
  | { status: 'waiting' | 'expired' | 'replaced' }
  | { status: 'confirmed'; staff: StaffCard; pairedAtMs: number };

/**
 * Pairing codes at the intake. A device asks for a code (its request is signed by its key), shows
 * it, and polls; a staff member confirms the code with their login. A new code replaces the
 * device's earlier unconfirmed ones, and no two live codes are the same, so a code names one device.
 */
export function createPairing(store: IntakeStore, now: () => number = Date.now, newCode: () => string = () => String(randomInt(0, 1_000_000)).padStart(6, '0')) {
  return {
    issue: (deviceId: string): Promise<{ code: string; expiresAtMs: number }> =>
      store.transaction(async ({ pairing }) => {
        const at = now();
        await pairing.replaceUnconfirmed(deviceId, at);
        for (let attempt = 0; attempt < 20; attempt++) {
          const code = newCode();
          if ((await pairing.isLive(code, at)) || (await pairing.byDevice(deviceId, code))) continue;
          await pairing.insert(code, deviceId, at, at + PAIRING_CODE_TTL_MS);
          return { code, expiresAtMs: at + PAIRING_CODE_TTL_MS };
        }
        throw new Error('no free pairing code found');
      }),
    confirm: (code: string, staff: StaffCard): Promise<ConfirmResult> =>
      store.transaction(async ({ pairing }) => {
        const at = now();
        const row = await pairing.newest(code);
        if (!row) return { ok: false, status: 404, code: 'unknown_code', message: 'no device shows this pairing code' };
        if (row.confirmedAt !== null) return { ok: false, status: 409, code: 'code_used', message: 'this pairing code was already confirmed' };
        if (row.replacedAt !== null || row.expiresAt <= at) {
          return { ok: false, status: 410, code: 'code_expired', message: 'this pairing code has expired: use the code the device shows now' };
        }
        await pairing.confirm(row.deviceId, code, at, staff.loginName, JSON.stringify(staff));
        return { ok: true, deviceId: row.deviceId, pairedAtMs: at };
      }),
    /** A wrong login was tried against `code`: counted on the code the device shows, which is burned after a few. */
    async failedAttempt(code: string): Promise<void> {
      const at = now();
      const row = await store.pairing.newest(code);
      if (!row || row.confirmedAt !== null || row.replacedAt !== null || row.expiresAt <= at) return;
      await store.pairing.addFailure(row.deviceId, code, at, CODE_BURN_AFTER);
    },
    /** Who paired with a device and when, newest first (photos left out), a page before the (confirmedAt, position) given. */
    async history(deviceId: string, limit = 200, before?: { confirmedAt: number; position: number }): Promise<Array<{ staff: Staff; pairedAtMs: number; position: number }>> {
      return (await store.pairing.history(deviceId, limit, before)).map((row) => ({
        staff: staffIdentity(JSON.parse(row.staff) as StaffCard),
        pairedAtMs: row.confirmedAt,
        position: row.position,
      }));
    },
    async status(deviceId: string, code: string): Promise<PairingStatus | null> {
      const row: PairingCodeRow | undefined = await store.pairing.byDevice(deviceId, code);
      if (!row) return null;
      if (row.confirmedAt !== null && row.staff !== null) return { status: 'confirmed', staff: JSON.parse(row.staff) as StaffCard, pairedAtMs: row.confirmedAt };
      if (row.replacedAt !== null) return { status: 'replaced' };
      return { status: row.expiresAt <= now() ? 'expired' : 'waiting' };
    },
  };
}
