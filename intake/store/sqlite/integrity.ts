import type { IntegrityEventKind } from '../../integrity/integrityEvents';
import type { IntegrityStore } from '../store';
import type { SqliteDb } from './sqliteDb';

export function sqliteIntegrity(db: SqliteDb): IntegrityStore {
  const addEvent = db.prepare('INSERT INTO integrity_events (device_id, kind, seq, outcome_id, detail, at) VALUES (?, ?, ?, ?, ?, ?)');
  const events = db.prepare<[string, number, number], { id: number; kind: IntegrityEventKind; seq: number | null; outcome_id: string | null; detail: string; at: number }>(
    'SELECT id, kind, seq, outcome_id, detail, at FROM integrity_events WHERE device_id = ? AND id > ? ORDER BY id LIMIT ?',
  );
  return {
    async addEvent(deviceId, kind, seq, outcomeId, detail, at) {
      addEvent.run(deviceId, kind, seq, outcomeId, detail, at);
    },
    async events(deviceId, afterId, limit) {
      return events.all(deviceId, afterId, limit).map((e) => ({ id: e.id, kind: e.kind, seq: e.seq, outcomeId: e.outcome_id, detail: e.detail, at: e.at }));
    },
  };
}
