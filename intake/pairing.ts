import { randomInt } from 'node:crypto';
import type { Staff } from '../contract/caseEvent';
import { staffIdentity } from '../contract/staffIdentity';
import type { StaffCard, StaffDirectory } from '../contract/staffSession';
import { createPinGate, hashPin, verifyPin } from '../shared-node/adminPin';
import type { IntakeDb } from './database';

/** How long a pairing code can be confirmed. */
export const PAIRING_CODE_TTL_MS = 5 * 60 * 1000;

export type ConfirmResult =
  | { ok: true; deviceId: string; pairedAtMs: number }
  | { ok: false; status: 404 | 409 | 410; code: string; message: string };

export type PairingStatus =
  | { status: 'waiting' | 'expired' | 'replaced' }
  | { status: 'confirmed'; staff: StaffCard; pairedAtMs: number };

interface CodeRow {
  device_id: string;
  code: string;
  expires_at: number;
  replaced_at: number | null;
  confirmed_at: number | null;
  staff: string | null;
}

/**
 * Pairing codes at the intake. A device asks for a code (its request is signed by its key), shows
 * it, and polls; a staff member confirms the code with their login. A new code replaces the
 * device's earlier unconfirmed ones, and no two live codes are the same, so a code names one device.
 */
export function createPairing(db: IntakeDb, now: () => number = Date.now, newCode: () => string = () => String(randomInt(0, 1_000_000)).padStart(6, '0')) {
  const live = db.prepare<[string, number], { device_id: string }>(
    'SELECT device_id FROM pairing_codes WHERE code = ? AND expires_at > ? AND replaced_at IS NULL AND confirmed_at IS NULL',
  );
  const replace = db.prepare('UPDATE pairing_codes SET replaced_at = ? WHERE device_id = ? AND replaced_at IS NULL AND confirmed_at IS NULL');
  const insert = db.prepare('INSERT INTO pairing_codes (code, device_id, created_at, expires_at) VALUES (?, ?, ?, ?)');
  const newest = db.prepare<[string], CodeRow>('SELECT * FROM pairing_codes WHERE code = ? ORDER BY created_at DESC LIMIT 1');
  const byDevice = db.prepare<[string, string], CodeRow>('SELECT * FROM pairing_codes WHERE device_id = ? AND code = ?');
  const history = db.prepare<[string, number], { device_id: string; staff: string; confirmed_at: number }>(
    'SELECT device_id, staff, confirmed_at FROM pairing_codes WHERE device_id = ? AND confirmed_at IS NOT NULL ORDER BY confirmed_at DESC LIMIT ?',
  );
  const confirm = db.prepare('UPDATE pairing_codes SET confirmed_at = ?, staff_login = ?, staff = ? WHERE device_id = ? AND code = ? AND confirmed_at IS NULL');

  const issue = db.transaction((deviceId: string): { code: string; expiresAtMs: number } => {
    const at = now();
    replace.run(at, deviceId);
    for (let attempt = 0; attempt < 20; attempt++) {
      const code = newCode();
      if (live.get(code, at) || byDevice.get(deviceId, code)) continue;
      insert.run(code, deviceId, at, at + PAIRING_CODE_TTL_MS);
      return { code, expiresAtMs: at + PAIRING_CODE_TTL_MS };
    }
    throw new Error('no free pairing code found');
  });

  const confirmCode = db.transaction((code: string, staff: StaffCard): ConfirmResult => {
    const at = now();
    const row = newest.get(code);
    if (!row) return { ok: false, status: 404, code: 'unknown_code', message: 'no device shows this pairing code' };
    if (row.confirmed_at !== null) return { ok: false, status: 409, code: 'code_used', message: 'this pairing code was already confirmed' };
    if (row.replaced_at !== null || row.expires_at <= at) {
      return { ok: false, status: 410, code: 'code_expired', message: 'this pairing code has expired: use the code the device shows now' };
    }
    confirm.run(at, staff.loginName, JSON.stringify(staff), row.device_id, code);
    return { ok: true, deviceId: row.device_id, pairedAtMs: at };
  });

  return {
    issue: (deviceId: string) => issue(deviceId),
    confirm: (code: string, staff: StaffCard) => confirmCode(code, staff),
    /** Who paired with a device and when, newest first (photos left out). */
    history(deviceId: string, limit = 200): Array<{ staff: Staff; pairedAtMs: number }> {
      return history.all(deviceId, limit).map((row) => ({ staff: staffIdentity(JSON.parse(row.staff) as StaffCard), pairedAtMs: row.confirmed_at }));
    },
    status(deviceId: string, code: string): PairingStatus | null {
      const row = byDevice.get(deviceId, code);
      if (!row) return null;
      if (row.confirmed_at !== null && row.staff !== null) return { status: 'confirmed', staff: JSON.parse(row.staff) as StaffCard, pairedAtMs: row.confirmed_at };
      if (row.replaced_at !== null) return { status: 'replaced' };
      return { status: row.expires_at <= now() ? 'expired' : 'waiting' };
    },
  };
}

const UNKNOWN_LOGIN_HASH = hashPin('no such login');

/**
 * The reference intake's staff logins: scrypt password hashes from the staff directory, with the
 * same lockout as the kiosk PIN (per login name), so a code cannot be confirmed by guessing.
 */
export function createStaffLogin(directory: StaffDirectory, now: () => number = Date.now) {
  const byLogin = new Map(directory.map((entry) => [entry.loginName, entry]));
  const gates = new Map<string, ReturnType<typeof createPinGate>>();
  return (loginName: string, password: string): { ok: true; staff: StaffCard } | { ok: false; locked: boolean; retryAfterMs: number } => {
    const entry = byLogin.get(loginName);
    if (!entry) {
      // As slow as a real check, so response times do not tell which login names exist.
      verifyPin(password, UNKNOWN_LOGIN_HASH);
      return { ok: false, locked: false, retryAfterMs: 0 };
    }
    let gate = gates.get(loginName);
    if (!gate) gates.set(loginName, (gate = createPinGate(entry.passwordHash, now)));
    const result = gate.attempt(password);
    if (!result.ok) return { ok: false, locked: result.reason === 'locked', retryAfterMs: result.retryAfterMs };
    const { passwordHash: _hash, ...staff } = entry;
    return { ok: true, staff };
  };
}
