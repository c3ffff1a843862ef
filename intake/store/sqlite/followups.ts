import type { FollowupStore } from '../store';
import { followupOf, type FollowupColumns } from '../storeRows';
import type { SqliteDb } from './sqliteDb';

/**
 * Follow-ups (`f`) with the 差评: a device's press and the details the citizen gave after it (if
 * they did), or a phone rating (issue 24).
 */
export const sqliteFollowupSelect = `SELECT f.*, COALESCE(o.body, p.body) AS body,
      (SELECT d.body FROM outcomes d WHERE d.amends_id = f.outcome_id AND d.amends_kind = 'details' AND d.merge = 'amendment') AS details_body
    FROM followups f LEFT JOIN outcomes o ON o.id = f.outcome_id LEFT JOIN phone_ratings p ON p.id = f.outcome_id`;

export function sqliteFollowups(db: SqliteDb): FollowupStore {
  const insert = db.prepare('INSERT OR IGNORE INTO followups (outcome_id, class, opened_at, due_at, counted_on_ingest) VALUES (?, ?, ?, ?, 1)');
  const find = db.prepare<[string], FollowupColumns>(`${sqliteFollowupSelect} WHERE f.outcome_id = ?`);
  const listOpen = db.prepare<[number, string, number], FollowupColumns>(
    `${sqliteFollowupSelect} WHERE f.closed_at IS NULL AND (f.due_at, f.outcome_id) > (?, ?) ORDER BY f.due_at, f.outcome_id LIMIT ?`,
  );
  const listAll = db.prepare<[number, string, number], FollowupColumns>(`${sqliteFollowupSelect} WHERE (f.opened_at, f.outcome_id) < (?, ?) ORDER BY f.opened_at DESC, f.outcome_id DESC LIMIT ?`);
  const removeUntouched = db.prepare('DELETE FROM followups WHERE outcome_id = ? AND closed_at IS NULL');
  const setClass = db.prepare('UPDATE followups SET class = ?, due_at = ? WHERE outcome_id = ?');
  const close = db.prepare('UPDATE followups SET closed_at = ?, note = ? WHERE outcome_id = ? AND closed_at IS NULL');
  return {
    async openOnIngest(outcomeId, cls, openedAt, dueAt) {
      return insert.run(outcomeId, cls, openedAt, dueAt).changes === 1;
    },
    async find(outcomeId) {
      const row = find.get(outcomeId);
      return row && followupOf(row);
    },
    async list(openOnly, limit, after) {
      if (openOnly) return listOpen.all(after?.at ?? Number.MIN_SAFE_INTEGER, after?.outcomeId ?? '', limit).map(followupOf);
      // Newest first: starts above every key (outcome ids are UUIDs, all below '~').
      return listAll.all(after?.at ?? Number.MAX_SAFE_INTEGER, after?.outcomeId ?? '~', limit).map(followupOf);
    },
    async setClass(outcomeId, cls, dueAt) {
      setClass.run(cls, dueAt, outcomeId);
    },
    async close(outcomeId, at, note) {
      close.run(at, note, outcomeId);
    },
    async removeUntouched(outcomeId) {
      return removeUntouched.run(outcomeId).changes === 1;
    },
  };
}
