import type { PairingStore } from '../store';
import { pairingCodeOf, type PairingCodeColumns } from '../storeRows';
import type { PgSql } from './pgSql';

const CODE_COLUMNS = 'device_id, code, created_at, expires_at, replaced_at, confirmed_at, staff';

export function pgPairing(sql: PgSql): PairingStore {
  return {
    async replaceUnconfirmed(deviceId, at) {
      await sql.run('UPDATE pairing_codes SET replaced_at = $1 WHERE device_id = $2 AND replaced_at IS NULL AND confirmed_at IS NULL', [at, deviceId]);
    },
    async isLive(code, at) {
      const row = await sql.row('SELECT device_id FROM pairing_codes WHERE code = $1 AND expires_at > $2 AND replaced_at IS NULL AND confirmed_at IS NULL LIMIT 1', [code, at]);
      return row !== undefined;
    },
    async insert(code, deviceId, at, expiresAt) {
      await sql.run('INSERT INTO pairing_codes (code, device_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [code, deviceId, at, expiresAt]);
    },
    async byDevice(deviceId, code) {
      const row = await sql.row<PairingCodeColumns>(`SELECT ${CODE_COLUMNS} FROM pairing_codes WHERE device_id = $1 AND code = $2`, [deviceId, code]);
      return row && pairingCodeOf(row);
    },
    async newest(code) {
      const row = await sql.row<PairingCodeColumns>(`SELECT ${CODE_COLUMNS} FROM pairing_codes WHERE code = $1 ORDER BY created_at DESC, position DESC LIMIT 1`, [code]);
      return row && pairingCodeOf(row);
    },
    async confirm(deviceId, code, at, staffLogin, staffJson) {
      const changed = await sql.run('UPDATE pairing_codes SET confirmed_at = $1, staff_login = $2, staff = $3 WHERE device_id = $4 AND code = $5 AND confirmed_at IS NULL', [
        at,
        staffLogin,
        staffJson,
        deviceId,
        code,
      ]);
      return changed === 1;
    },
    async addFailure(deviceId, code, at, burnAfter) {
      // One statement counts and burns: two nodes counting the same wrong password cannot both miss the limit.
      const row = await sql.row<{ failures: number; burned: boolean }>(
        `UPDATE pairing_codes SET failures = failures + 1, replaced_at = CASE WHEN failures + 1 >= $3 THEN $4::BIGINT ELSE replaced_at END
          WHERE device_id = $1 AND code = $2 AND confirmed_at IS NULL AND replaced_at IS NULL
          RETURNING failures, replaced_at IS NOT NULL AS burned`,
        [deviceId, code, burnAfter, at],
      );
      return row?.burned ?? false;
    },
    async history(deviceId, limit, before) {
      const rows = await sql.rows<{ staff: string; confirmed_at: number; position: number }>(
        `SELECT staff, confirmed_at, position FROM pairing_codes
          WHERE device_id = $1 AND confirmed_at IS NOT NULL AND (confirmed_at, position) < ($2, $3) ORDER BY confirmed_at DESC, position DESC LIMIT $4`,
        [deviceId, before?.confirmedAt ?? Number.MAX_SAFE_INTEGER, before?.position ?? Number.MAX_SAFE_INTEGER, limit],
      );
      return rows.map((r) => ({ staff: r.staff, confirmedAt: r.confirmed_at, position: r.position }));
    },
  };
}
