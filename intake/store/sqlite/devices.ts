import type { DeviceStore } from '../store';
import type { SqliteDb } from './sqliteDb';

export function sqliteDevices(db: SqliteDb): DeviceStore {
  const findToken = db.prepare<[string], { device_id: string | null; expires_at: number; used_at: number | null; used_by: string | null }>(
    'SELECT device_id, expires_at, used_at, used_by FROM enrolment_tokens WHERE token_hash = ?',
  );
  const addToken = db.prepare('INSERT OR IGNORE INTO enrolment_tokens (token_hash, device_id, expires_at) VALUES (?, ?, ?)');
  const useToken = db.prepare('UPDATE enrolment_tokens SET used_at = ?, used_by = ? WHERE token_hash = ? AND used_at IS NULL');
  const currentKey = db.prepare<[string], { public_key: string; enrolled_at: number }>('SELECT public_key, enrolled_at FROM devices WHERE device_id = ?');
  const upsertDevice = db.prepare(
    `INSERT INTO devices (device_id, public_key, enrolled_at) VALUES (?, ?, ?)
     ON CONFLICT (device_id) DO UPDATE SET public_key = excluded.public_key, enrolled_at = excluded.enrolled_at`,
  );
  const retireKeys = db.prepare('UPDATE device_keys SET retired_at = ? WHERE device_id = ? AND retired_at IS NULL');
  const addKey = db.prepare('INSERT INTO device_keys (device_id, public_key, enrolled_at) VALUES (?, ?, ?)');
  const keysOf = db.prepare<[string], { public_key: string; enrolled_at: number; retired_at: number | null }>(
    'SELECT public_key, enrolled_at, retired_at FROM device_keys WHERE device_id = ? ORDER BY enrolled_at, rowid',
  );
  const flag = db.prepare('UPDATE devices SET flagged_at = ?, flag_reason = ? WHERE device_id = ? AND flagged_at IS NULL');
  const flagOf = db.prepare<[string], { flagged_at: number | null; flag_reason: string | null }>('SELECT flagged_at, flag_reason FROM devices WHERE device_id = ?');
  const setKey = db.transaction((deviceId: string, publicKey: string, at: number) => {
    upsertDevice.run(deviceId, publicKey, at);
    retireKeys.run(at, deviceId);
    addKey.run(deviceId, publicKey, at);
  });

  return {
    async findToken(tokenHash) {
      const row = findToken.get(tokenHash);
      return row && { deviceId: row.device_id, expiresAt: row.expires_at, usedAt: row.used_at, usedBy: row.used_by };
    },
    async addToken(tokenHash, deviceId, expiresAt) {
      addToken.run(tokenHash, deviceId, expiresAt);
    },
    async useToken(tokenHash, at, deviceId) {
      return useToken.run(at, deviceId, tokenHash).changes === 1;
    },
    async currentKey(deviceId) {
      const row = currentKey.get(deviceId);
      return row && { publicKey: row.public_key, enrolledAt: row.enrolled_at };
    },
    async setKey(deviceId, publicKey, at) {
      setKey(deviceId, publicKey, at);
    },
    async keyHistory(deviceId) {
      return keysOf.all(deviceId).map((k) => ({ publicKey: k.public_key, enrolledAt: k.enrolled_at, retiredAt: k.retired_at }));
    },
    async flag(deviceId, at, reason) {
      flag.run(at, reason, deviceId);
    },
    async flagOf(deviceId) {
      const row = flagOf.get(deviceId);
      return row?.flagged_at != null ? { at: row.flagged_at, reason: row.flag_reason ?? '' } : null;
    },
  };
}
