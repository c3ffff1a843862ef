import type { DeviceStore } from '../store';
import { TOKEN_COLUMNS, tokenListingOf, tokenOf, type TokenColumns } from '../storeRows';
import type { SqliteDb } from './sqliteDb';

export function sqliteDevices(db: SqliteDb): DeviceStore {
  const findToken = db.prepare<
    [string],
    TokenColumns
  >(`SELECT ${TOKEN_COLUMNS} FROM enrolment_tokens WHERE token_hash = ?`);
  const revokeOlder = db.prepare(
    `UPDATE enrolment_tokens SET revoked_at = ?, revoked_by = ?
     WHERE device_id = ? AND used_at IS NULL AND revoked_at IS NULL AND rowid < (SELECT rowid FROM enrolment_tokens WHERE token_hash = ?)`,
  );
  const listByDevice = db.prepare<[string, number], TokenColumns>(`SELECT ${TOKEN_COLUMNS} FROM enrolment_tokens WHERE device_id = ? ORDER BY rowid DESC LIMIT ?`);
  const listByHall = db.prepare<[string, number], TokenColumns>(`SELECT ${TOKEN_COLUMNS} FROM enrolment_tokens WHERE hall_code = ? ORDER BY rowid DESC LIMIT ?`);
  const listAll = db.prepare<[number], TokenColumns>(`SELECT ${TOKEN_COLUMNS} FROM enrolment_tokens ORDER BY rowid DESC LIMIT ?`);
  const byPrefix = db.prepare<[string], TokenColumns>(`SELECT ${TOKEN_COLUMNS} FROM enrolment_tokens WHERE substr(token_hash, 1, 12) = ? LIMIT 2`);
  const revoke = db.prepare('UPDATE enrolment_tokens SET revoked_at = ?, revoked_by = ? WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL');
  // A token stored unbound (before issue 18) takes the binding the operator gives it now.
  const addToken = db.prepare(
    `INSERT INTO enrolment_tokens (token_hash, device_id, hall_code, purpose, expires_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (token_hash) DO UPDATE SET device_id = excluded.device_id, hall_code = excluded.hall_code, purpose = excluded.purpose
     WHERE enrolment_tokens.hall_code IS NULL AND (enrolment_tokens.device_id IS NULL OR enrolment_tokens.device_id = excluded.device_id)`,
  );
  const useToken = db.prepare('UPDATE enrolment_tokens SET used_at = ?, used_by = ? WHERE token_hash = ? AND used_at IS NULL');
  const currentKey = db.prepare<[string], { public_key: string; enrolled_at: number; hall_code: string | null }>(
    'SELECT public_key, enrolled_at, hall_code FROM devices WHERE device_id = ?',
  );
  const upsertDevice = db.prepare(
    `INSERT INTO devices (device_id, public_key, enrolled_at, hall_code) VALUES (?, ?, ?, ?)
     ON CONFLICT (device_id) DO UPDATE SET public_key = excluded.public_key, enrolled_at = excluded.enrolled_at, hall_code = excluded.hall_code`,
  );
  const adoptHall = db.prepare('UPDATE devices SET hall_code = ? WHERE device_id = ? AND hall_code IS NULL');
  const retireKeys = db.prepare('UPDATE device_keys SET retired_at = ? WHERE device_id = ? AND retired_at IS NULL');
  const addKey = db.prepare('INSERT INTO device_keys (device_id, public_key, enrolled_at) VALUES (?, ?, ?)');
  const keysOf = db.prepare<[string], { public_key: string; enrolled_at: number; retired_at: number | null; first_seq: number | null }>(
    'SELECT public_key, enrolled_at, retired_at, first_seq FROM device_keys WHERE device_id = ? ORDER BY enrolled_at, rowid',
  );
  const noteSigned = db.prepare('UPDATE device_keys SET first_seq = ? WHERE device_id = ? AND public_key = ? AND (first_seq IS NULL OR first_seq > ?)');
  const flag = db.prepare('UPDATE devices SET flagged_at = ?, flag_reason = ? WHERE device_id = ? AND flagged_at IS NULL');
  const unflag = db.prepare('UPDATE devices SET flagged_at = NULL, flag_reason = NULL WHERE device_id = ?');
  const flagOf = db.prepare<[string], { flagged_at: number | null; flag_reason: string | null }>('SELECT flagged_at, flag_reason FROM devices WHERE device_id = ?');
  const setKey = db.transaction((deviceId: string, publicKey: string, at: number, hallCode: string) => {
    upsertDevice.run(deviceId, publicKey, at, hallCode);
    retireKeys.run(at, deviceId);
    addKey.run(deviceId, publicKey, at);
  });

  return {
    async findToken(tokenHash) {
      const row = findToken.get(tokenHash);
      return row && tokenOf(row);
    },
    async revokeOlderTokens(deviceId, tokenHash, at, by) {
      return revokeOlder.run(at, by, deviceId, tokenHash).changes;
    },
    async listTokens(filter, limit) {
      const rows = filter.deviceId !== undefined ? listByDevice.all(filter.deviceId, limit) : filter.hallCode !== undefined ? listByHall.all(filter.hallCode, limit) : listAll.all(limit);
      return rows.map(tokenListingOf);
    },
    async revokeToken(id, at, by) {
      const rows = byPrefix.all(id);
      const row = rows[0];
      if (rows.length !== 1 || !row || revoke.run(at, by, row.token_hash).changes !== 1) return null;
      return tokenListingOf({ ...row, revoked_at: at, revoked_by: by });
    },
    async addToken(tokenHash, binding, expiresAt) {
      addToken.run(tokenHash, binding.deviceId, binding.hallCode, binding.purpose, expiresAt);
    },
    async useToken(tokenHash, at, deviceId) {
      return useToken.run(at, deviceId, tokenHash).changes === 1;
    },
    async currentKey(deviceId) {
      const row = currentKey.get(deviceId);
      return row && { publicKey: row.public_key, enrolledAt: row.enrolled_at, hallCode: row.hall_code };
    },
    async setKey(deviceId, publicKey, at, hallCode) {
      setKey(deviceId, publicKey, at, hallCode);
    },
    async adoptHall(deviceId, hallCode) {
      adoptHall.run(hallCode, deviceId);
    },
    async keyHistory(deviceId) {
      return keysOf.all(deviceId).map((k) => ({ publicKey: k.public_key, enrolledAt: k.enrolled_at, retiredAt: k.retired_at, firstSeq: k.first_seq }));
    },
    async noteSigned(deviceId, publicKey, seq) {
      noteSigned.run(seq, deviceId, publicKey, seq);
    },
    async flag(deviceId, at, reason) {
      flag.run(at, reason, deviceId);
    },
    async unflag(deviceId) {
      unflag.run(deviceId);
    },
    async flagOf(deviceId) {
      const row = flagOf.get(deviceId);
      return row?.flagged_at != null ? { at: row.flagged_at, reason: row.flag_reason ?? '' } : null;
    },
  };
}
