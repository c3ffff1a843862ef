import { HeartbeatSchema, type FleetFlagKind } from '../../../contract/heartbeat';
import { InvitationReportSchema } from '../../../contract/invitationReport';
import type { FleetDeviceRow, FleetStore } from '../store';
import type { PgSql } from './pgSql';

type HeartbeatRow = { body: string; received_at: number; missing_since: number | null };
type FlagRow = { device_id: string; kind: FleetFlagKind; opened_at: number; detail: string; closed_at: number | null; closed_by: string | null };

const stored = (row: HeartbeatRow) => ({ heartbeat: HeartbeatSchema.parse(JSON.parse(row.body)), receivedAt: row.received_at, missingSince: row.missing_since });

export function pgFleet(sql: PgSql): FleetStore {
  return {
    async latest(deviceId) {
      const row = await sql.row<HeartbeatRow>('SELECT body, received_at, missing_since FROM device_heartbeats WHERE device_id = $1', [deviceId]);
      return row && stored(row);
    },
    async putLatest(deviceId, hallCode, value) {
      await sql.run(
        `INSERT INTO device_heartbeats (device_id, hall_code, received_at, body, missing_since) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (device_id) DO UPDATE SET hall_code = excluded.hall_code, received_at = excluded.received_at, body = excluded.body, missing_since = excluded.missing_since`,
        [deviceId, hallCode, value.receivedAt, JSON.stringify(value.heartbeat), value.missingSince],
      );
    },
    async heldChain(deviceId, headSeq) {
      const row = await sql.row<{ m: number | null; n: number }>('SELECT MAX(seq) AS m, COUNT(DISTINCT seq) FILTER (WHERE seq <= $2) AS n FROM outcomes WHERE device_id = $1', [
        deviceId,
        headSeq,
      ]);
      return { maxSeq: row?.m ?? 0, heldUpToHead: row?.n ?? 0 };
    },
    async open(deviceId, kind, at, detail) {
      return (await sql.run('INSERT INTO fleet_flags (device_id, kind, opened_at, detail) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [deviceId, kind, at, detail])) === 1;
    },
    async close(deviceId, kind, at, by) {
      return (await sql.run('UPDATE fleet_flags SET closed_at = $1, closed_by = $2 WHERE device_id = $3 AND kind = $4 AND closed_at IS NULL', [at, by, deviceId, kind])) === 1;
    },
    async openFlags(hallCode) {
      const rows = await sql.rows<FlagRow>(
        `SELECT f.device_id, f.kind, f.opened_at, f.detail, f.closed_at, f.closed_by FROM fleet_flags f LEFT JOIN devices d ON d.device_id = f.device_id
          WHERE f.closed_at IS NULL AND ($1::TEXT IS NULL OR d.hall_code = $1) ORDER BY f.opened_at, f.id`,
        [hallCode],
      );
      return rows.map((f) => ({ deviceId: f.device_id, kind: f.kind, openedAt: f.opened_at, detail: f.detail, closedAt: f.closed_at, closedBy: f.closed_by }));
    },
    async addReports(deviceId, hallCode, reports, at) {
      return sql.atomic(async (tx) => {
        let added = 0;
        for (const report of reports) {
          added += await tx.run('INSERT INTO invitation_reports (device_id, invitation_id, hall_code, body, received_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [
            deviceId,
            report.invitationId,
            hallCode,
            JSON.stringify(report),
            at,
          ]);
        }
        return added;
      });
    },
    async answerReports(at) {
      await sql.run(
        `UPDATE invitation_reports r SET answered_at = $1 WHERE r.answered_at IS NULL
           AND EXISTS (SELECT 1 FROM outcomes o WHERE o.device_id = r.device_id AND o.invitation_id = r.invitation_id)`,
        [at],
      );
    },
    async unansweredReports(limit) {
      const rows = await sql.rows<{ device_id: string; body: string }>('SELECT device_id, body FROM invitation_reports WHERE answered_at IS NULL ORDER BY received_at, device_id, invitation_id LIMIT $1', [
        limit,
      ]);
      return rows.map((row) => ({ deviceId: row.device_id, report: InvitationReportSchema.parse(JSON.parse(row.body)) }));
    },
    async devices(hallCode, limit) {
      const rows = await sql.rows<{ device_id: string; hall_code: string | null; enrolled_at: number; body: string | null; received_at: number | null; missing_since: number | null }>(
        `SELECT d.device_id, d.hall_code, d.enrolled_at, h.body, h.received_at, h.missing_since FROM devices d LEFT JOIN device_heartbeats h ON h.device_id = d.device_id
          WHERE ($1::TEXT IS NULL OR d.hall_code = $1) ORDER BY d.device_id LIMIT $2`,
        [hallCode, limit],
      );
      return rows.map(
        (d): FleetDeviceRow => ({
          deviceId: d.device_id,
          hallCode: d.hall_code,
          enrolledAt: d.enrolled_at,
          latest: d.body === null ? null : stored({ body: d.body, received_at: d.received_at ?? 0, missing_since: d.missing_since }),
        }),
      );
    },
  };
}
