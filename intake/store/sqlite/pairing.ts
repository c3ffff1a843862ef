import type { PairingStore } from '../store';
import { pairingCodeOf, type PairingCodeColumns } from '../storeRows';
import type { SqliteDb } from './sqliteDb';

export function sqlitePairing(db: SqliteDb): PairingStore {
  const live = db.prepare<[string, number], { device_id: string }>(
    'SELECT device_id FROM pairing_codes WHERE code = ? AND expires_at > ? AND replaced_at IS NULL AND confirmed_at IS NULL',
  );
  const replace = db.prepare('UPDATE pairing_codes SET replaced_at = ? WHERE device_id = ? AND replaced_at IS NULL AND confirmed_at IS NULL');
  const insert = db.prepare('INSERT INTO pairing_codes (code, device_id, created_at, expires_at) VALUES (?, ?, ?, ?)');
  const newest = db.prepare<[string], PairingCodeColumns>('SELECT * FROM pairing_codes WHERE code = ? ORDER BY created_at DESC LIMIT 1');
  const byDevice = db.prepare<[string, string], PairingCodeColumns>('SELECT * FROM pairing_codes WHERE device_id = ? AND code = ?');
  const history = db.prepare<[string, number, number, number], { staff: string; confirmed_at: number; position: number }>(
    `SELECT staff, confirmed_at, rowid AS position FROM pairing_codes
      WHERE device_id = ? AND confirmed_at IS NOT NULL AND (confirmed_at, rowid) < (?, ?) ORDER BY confirmed_at DESC, rowid DESC LIMIT ?`,
  );
  const addFailure = db.prepare<[string, string], { failures: number }>(
    'UPDATE pairing_codes SET failures = failures + 1 WHERE device_id = ? AND code = ? AND confirmed_at IS NULL AND replaced_at IS NULL RETURNING failures',
  );
  const burn = db.prepare('UPDATE pairing_codes SET replaced_at = ? WHERE device_id = ? AND code = ? AND replaced_at IS NULL');
  const confirm = db.prepare('UPDATE pairing_codes SET confirmed_at = ?, staff_login = ?, staff = ? WHERE device_id = ? AND code = ? AND confirmed_at IS NULL');
  return {
    async replaceUnconfirmed(deviceId, at) {
      replace.run(at, deviceId);
    },
    async isLive(code, at) {
      return live.get(code, at) !== undefined;
    },
    async insert(code, deviceId, at, expiresAt) {
      insert.run(code, deviceId, at, expiresAt);
    },
    async byDevice(deviceId, code) {
      const row = byDevice.get(deviceId, code);
      return row && pairingCodeOf(row);
    },
    async newest(code) {
      const row = newest.get(code);
      return row && pairingCodeOf(row);
    },
    async confirm(deviceId, code, at, staffLogin, staffJson) {
      return confirm.run(at, staffLogin, staffJson, deviceId, code).changes === 1;
    },
    async addFailure(deviceId, code, at, burnAfter) {
      const row = addFailure.get(deviceId, code);
      if (!row || row.failures < burnAfter) return false;
      return burn.run(at, deviceId, code).changes === 1;
    },
    async history(deviceId, limit, before) {
      return history
        .all(deviceId, before?.confirmedAt ?? Number.MAX_SAFE_INTEGER, before?.position ?? Number.MAX_SAFE_INTEGER, limit)
        .map((r) => ({ staff: r.staff, confirmedAt: r.confirmed_at, position: r.position }));
    },
  };
}
