import { HeartbeatSchema, type FleetFlagKind } from '../../../contract/heartbeat';
import { InvitationReportSchema, type InvitationReport } from '../../../contract/invitationReport';
import type { FleetDeviceRow, FleetStore } from '../store';
import { relaxedDurability } from './relaxedDurability';
import type { SqliteDb } from './sqliteDb';

type HeartbeatRow = { body: string; received_at: number; missing_since: number | null };

export function sqliteFleet(db: SqliteDb): FleetStore {
  const latest = db.prepare<[string], HeartbeatRow>('SELECT body, received_at, missing_since FROM device_heartbeats WHERE device_id = ?');
  const putLatest = db.prepare(
    `INSERT INTO device_heartbeats (device_id, hall_code, received_at, body, missing_since) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (device_id) DO UPDATE SET hall_code = excluded.hall_code, received_at = excluded.received_at, body = excluded.body, missing_since = excluded.missing_since`,
  );
  const maxSeq = db.prepare<[string], { m: number | null }>('SELECT MAX(seq) AS m FROM outcomes WHERE device_id = ?');
  const heldUpTo = db.prepare<[string, number], { n: number }>('SELECT COUNT(DISTINCT seq) AS n FROM outcomes WHERE device_id = ? AND seq <= ?');
  const open = db.prepare('INSERT INTO fleet_flags (device_id, kind, opened_at, detail) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
  const close = db.prepare('UPDATE fleet_flags SET closed_at = ?, closed_by = ? WHERE device_id = ? AND kind = ? AND closed_at IS NULL');
  type FlagRow = { device_id: string; kind: FleetFlagKind; opened_at: number; detail: string; closed_at: number | null; closed_by: string | null };
  const openFlags = db.prepare<[string | null, string | null], FlagRow>(
    `SELECT f.device_id, f.kind, f.opened_at, f.detail, f.closed_at, f.closed_by FROM fleet_flags f LEFT JOIN devices d ON d.device_id = f.device_id
     WHERE f.closed_at IS NULL AND (? IS NULL OR d.hall_code = ?) ORDER BY f.opened_at`,
  );
  const devices = db.prepare<[string | null, string | null, number], { device_id: string; hall_code: string | null; enrolled_at: number } & Partial<HeartbeatRow>>(
    `SELECT d.device_id, d.hall_code, d.enrolled_at, h.body, h.received_at, h.missing_since FROM devices d LEFT JOIN device_heartbeats h ON h.device_id = d.device_id
     WHERE (? IS NULL OR d.hall_code = ?) ORDER BY d.device_id LIMIT ?`,
  );
  const addReport = db.prepare('INSERT INTO invitation_reports (device_id, invitation_id, hall_code, body, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
  const answerReports = db.prepare(
    `UPDATE invitation_reports SET answered_at = ? WHERE answered_at IS NULL
       AND EXISTS (SELECT 1 FROM outcomes o WHERE o.device_id = invitation_reports.device_id AND o.invitation_id = invitation_reports.invitation_id)`,
  );
  const unanswered = db.prepare<[number], { device_id: string; body: string }>(
    'SELECT device_id, body FROM invitation_reports WHERE answered_at IS NULL ORDER BY received_at LIMIT ?',
  );
  const addReports = db.transaction((deviceId: string, hallCode: string, reports: InvitationReport[], at: number) =>
    reports.reduce((added, report) => added + addReport.run(deviceId, report.invitationId, hallCode, JSON.stringify(report), at).changes, 0),
  );
  const stored = (row: HeartbeatRow) => ({ heartbeat: HeartbeatSchema.parse(JSON.parse(row.body)), receivedAt: row.received_at, missingSince: row.missing_since });

  return {
    async latest(deviceId) {
      const row = latest.get(deviceId);
      return row && stored(row);
    },
    async putLatest(deviceId, hallCode, value) {
      // Only the latest heartbeat matters, and the next one replaces it: no disk sync for it.
      relaxedDurability(db, () => putLatest.run(deviceId, hallCode, value.receivedAt, JSON.stringify(value.heartbeat), value.missingSince));
    },
    async heldChain(deviceId, headSeq) {
      return { maxSeq: maxSeq.get(deviceId)?.m ?? 0, heldUpToHead: heldUpTo.get(deviceId, headSeq)?.n ?? 0 };
    },
    async open(deviceId, kind, at, detail) {
      return open.run(deviceId, kind, at, detail).changes === 1;
    },
    async close(deviceId, kind, at, by) {
      return close.run(at, by, deviceId, kind).changes === 1;
    },
    async openFlags(hallCode) {
      return openFlags.all(hallCode, hallCode).map((f) => ({ deviceId: f.device_id, kind: f.kind, openedAt: f.opened_at, detail: f.detail, closedAt: f.closed_at, closedBy: f.closed_by }));
    },
    async addReports(deviceId, hallCode, reports, at) {
      return addReports(deviceId, hallCode, reports, at);
    },
    async answerReports(at) {
      answerReports.run(at);
    },
    async unansweredReports(limit) {
      return unanswered.all(limit).map((row) => ({ deviceId: row.device_id, report: InvitationReportSchema.parse(JSON.parse(row.body)) }));
    },
    async devices(hallCode, limit) {
      return devices.all(hallCode, hallCode, limit).map(
        (d): FleetDeviceRow => ({
          deviceId: d.device_id,
          hallCode: d.hall_code,
          enrolledAt: d.enrolled_at,
          latest: d.body === undefined || d.body === null ? null : stored({ body: d.body, received_at: d.received_at ?? 0, missing_since: d.missing_since ?? null }),
        }),
      );
    },
  };
}
