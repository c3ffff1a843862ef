import type { DeviceStore } from '../store';
import { TOKEN_COLUMNS, tokenListingOf, tokenOf, type TokenColumns } from '../storeRows';
import type { PgSql } from './pgSql';

export function pgDevices(sql: PgSql): DeviceStore {
  return {
    async findToken(tokenHash) {
      const row = await sql.row<TokenColumns>(`SELECT ${TOKEN_COLUMNS} FROM enrolment_tokens WHERE token_hash = $1`, [tokenHash]);
      return row && tokenOf(row);
    },
    async revokeOlderTokens(deviceId, tokenHash, at, by) {
      return sql.run(
        `UPDATE enrolment_tokens SET revoked_at = $1, revoked_by = $2
          WHERE device_id = $3 AND used_at IS NULL AND revoked_at IS NULL AND position < (SELECT position FROM enrolment_tokens WHERE token_hash = $4)`,
        [at, by, deviceId, tokenHash],
      );
    },
    async listTokens(filter, limit) {
      const rows =
        filter.deviceId !== undefined
          ? await sql.rows<TokenColumns>(`SELECT ${TOKEN_COLUMNS} FROM enrolment_tokens WHERE device_id = $1 ORDER BY position DESC LIMIT $2`, [filter.deviceId, limit])
          : filter.hallCode !== undefined
            ? await sql.rows<TokenColumns>(`SELECT ${TOKEN_COLUMNS} FROM enrolment_tokens WHERE hall_code = $1 ORDER BY position DESC LIMIT $2`, [filter.hallCode, limit])
            : await sql.rows<TokenColumns>(`SELECT ${TOKEN_COLUMNS} FROM enrolment_tokens ORDER BY position DESC LIMIT $1`, [limit]);
      return rows.map(tokenListingOf);
    },
    async revokeToken(id, at, by) {
      const rows = await sql.rows<TokenColumns>(`SELECT ${TOKEN_COLUMNS} FROM enrolment_tokens WHERE substr(token_hash, 1, 12) = $1 LIMIT 2`, [id]);
      const row = rows[0];
      if (rows.length !== 1 || !row) return null;
      const changed = await sql.run('UPDATE enrolment_tokens SET revoked_at = $1, revoked_by = $2 WHERE token_hash = $3 AND used_at IS NULL AND revoked_at IS NULL', [at, by, row.token_hash]);
      return changed === 1 ? tokenListingOf({ ...row, revoked_at: at, revoked_by: by }) : null;
    },
    async addToken(tokenHash, binding, expiresAt) {
      // A token stored unbound (before issue 18) takes the binding the operator gives it now.
      await sql.run(
        `INSERT INTO enrolment_tokens (token_hash, device_id, hall_code, purpose, expires_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (token_hash) DO UPDATE SET device_id = excluded.device_id, hall_code = excluded.hall_code, purpose = excluded.purpose
         WHERE enrolment_tokens.hall_code IS NULL AND (enrolment_tokens.device_id IS NULL OR enrolment_tokens.device_id = excluded.device_id)`,
        [tokenHash, binding.deviceId, binding.hallCode, binding.purpose, expiresAt],
      );
    },
    async useToken(tokenHash, at, deviceId) {
      return (await sql.run('UPDATE enrolment_tokens SET used_at = $1, used_by = $2 WHERE token_hash = $3 AND used_at IS NULL', [at, deviceId, tokenHash])) === 1;
    },
    async currentKey(deviceId) {
      const row = await sql.row<{ public_key: string; enrolled_at: number; hall_code: string | null }>('SELECT public_key, enrolled_at, hall_code FROM devices WHERE device_id = $1', [deviceId]);
      return row && { publicKey: row.public_key, enrolledAt: row.enrolled_at, hallCode: row.hall_code };
    },
    async setKey(deviceId, publicKey, at, hallCode) {
      await sql.atomic(async (tx) => {
        await tx.run(
          `INSERT INTO devices (device_id, public_key, enrolled_at, hall_code) VALUES ($1, $2, $3, $4)
           ON CONFLICT (device_id) DO UPDATE SET public_key = excluded.public_key, enrolled_at = excluded.enrolled_at, hall_code = excluded.hall_code`,
          [deviceId, publicKey, at, hallCode],
        );
        await tx.run('UPDATE device_keys SET retired_at = $1 WHERE device_id = $2 AND retired_at IS NULL', [at, deviceId]);
        await tx.run('INSERT INTO device_keys (device_id, public_key, enrolled_at) VALUES ($1, $2, $3)', [deviceId, publicKey, at]);
      });
    },
    async adoptHall(deviceId, hallCode) {
      await sql.run('UPDATE devices SET hall_code = $1 WHERE device_id = $2 AND hall_code IS NULL', [hallCode, deviceId]);
    },
    async keyHistory(deviceId) {
      // Ingest reads the key history first in its transaction: locking the device row there makes
      // batches of one device take turns, so the chain audit's reads (highest seq, the row at a
      // seq) and its writes see one order; batches of different devices still run side by side.
      if (sql.inTransaction) await sql.run('SELECT 1 FROM devices WHERE device_id = $1 FOR UPDATE', [deviceId]);
      const keys = await sql.rows<{ public_key: string; enrolled_at: number; retired_at: number | null; first_seq: number | null }>(
        'SELECT public_key, enrolled_at, retired_at, first_seq FROM device_keys WHERE device_id = $1 ORDER BY enrolled_at, position',
        [deviceId],
      );
      return keys.map((k) => ({ publicKey: k.public_key, enrolledAt: k.enrolled_at, retiredAt: k.retired_at, firstSeq: k.first_seq }));
    },
    async noteSigned(deviceId, publicKey, seq) {
      await sql.run('UPDATE device_keys SET first_seq = $1 WHERE device_id = $2 AND public_key = $3 AND (first_seq IS NULL OR first_seq > $1)', [seq, deviceId, publicKey]);
    },
    async flag(deviceId, at, reason) {
      await sql.run('UPDATE devices SET flagged_at = $1, flag_reason = $2 WHERE device_id = $3 AND flagged_at IS NULL', [at, reason, deviceId]);
    },
    async unflag(deviceId) {
      await sql.run('UPDATE devices SET flagged_at = NULL, flag_reason = NULL WHERE device_id = $1', [deviceId]);
    },
    async flagOf(deviceId) {
      const row = await sql.row<{ flagged_at: number | null; flag_reason: string | null }>('SELECT flagged_at, flag_reason FROM devices WHERE device_id = $1', [deviceId]);
      return row?.flagged_at != null ? { at: row.flagged_at, reason: row.flag_reason ?? '' } : null;
    },
  };
}
