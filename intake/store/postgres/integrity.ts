import type { IntegrityEventKind } from '../../integrity/integrityEvents';
import type { IntegrityStore } from '../store';
import type { PgSql } from './pgSql';

export function pgIntegrity(sql: PgSql): IntegrityStore {
  return {
    async addEvent(deviceId, kind, seq, outcomeId, detail, at) {
      await sql.run('INSERT INTO integrity_events (device_id, kind, seq, outcome_id, detail, at) VALUES ($1, $2, $3, $4, $5, $6)', [deviceId, kind, seq, outcomeId, detail, at]);
    },
    async events(deviceId, afterId, limit) {
      const rows = await sql.rows<{ id: number; kind: IntegrityEventKind; seq: number | null; outcome_id: string | null; detail: string; at: number }>(
        'SELECT id, kind, seq, outcome_id, detail, at FROM integrity_events WHERE device_id = $1 AND id > $2 ORDER BY id LIMIT $3',
        [deviceId, afterId, limit],
      );
      return rows.map((e) => ({ id: e.id, kind: e.kind, seq: e.seq, outcomeId: e.outcome_id, detail: e.detail, at: e.at }));
    },
  };
}
