import type { FollowupStore } from '../store';
import { followupOf, type FollowupColumns } from '../storeRows';
import { DETAILS_OF } from './outcomes';
import type { PgSql } from './pgSql';

/**
 * Follow-ups (`f`) with the 差评: a device's press and the details the citizen gave after it (if
 * they did), or a phone rating (issue 24).
 */
export const pgFollowupSelect = `SELECT f.outcome_id, f.class, f.opened_at, f.due_at, f.closed_at, f.note, COALESCE(o.body, p.body) AS body, ${DETAILS_OF('o')} AS details_body
    FROM followups f LEFT JOIN outcomes o ON o.id = f.outcome_id LEFT JOIN phone_ratings p ON p.id = f.outcome_id`;

export function pgFollowups(sql: PgSql): FollowupStore {
  return {
    async openOnIngest(outcomeId, cls, openedAt, dueAt) {
      const added = await sql.run('INSERT INTO followups (outcome_id, class, opened_at, due_at, counted_on_ingest) VALUES ($1, $2, $3, $4, TRUE) ON CONFLICT DO NOTHING', [
        outcomeId,
        cls,
        openedAt,
        dueAt,
      ]);
      return added === 1;
    },
    async find(outcomeId) {
      const row = await sql.row<FollowupColumns>(`${pgFollowupSelect} WHERE f.outcome_id = $1`, [outcomeId]);
      return row && followupOf(row);
    },
    async list(openOnly, limit, after) {
      if (openOnly) {
        const rows = await sql.rows<FollowupColumns>(
          `${pgFollowupSelect} WHERE f.closed_at IS NULL AND (f.due_at, f.outcome_id) > ($1, $2) ORDER BY f.due_at, f.outcome_id LIMIT $3`,
          [after?.at ?? Number.MIN_SAFE_INTEGER, after?.outcomeId ?? '', limit],
        );
        return rows.map(followupOf);
      }
      // Newest first: starts above every key (outcome ids are UUIDs, all below '~').
      const rows = await sql.rows<FollowupColumns>(`${pgFollowupSelect} WHERE (f.opened_at, f.outcome_id) < ($1, $2) ORDER BY f.opened_at DESC, f.outcome_id DESC LIMIT $3`, [
        after?.at ?? Number.MAX_SAFE_INTEGER,
        after?.outcomeId ?? '~',
        limit,
      ]);
      return rows.map(followupOf);
    },
    async setClass(outcomeId, cls, dueAt) {
      await sql.run('UPDATE followups SET class = $1, due_at = $2 WHERE outcome_id = $3', [cls, dueAt, outcomeId]);
    },
    async close(outcomeId, at, note) {
      await sql.run('UPDATE followups SET closed_at = $1, note = $2 WHERE outcome_id = $3 AND closed_at IS NULL', [at, note, outcomeId]);
    },
    async removeUntouched(outcomeId) {
      return (await sql.run('DELETE FROM followups WHERE outcome_id = $1 AND closed_at IS NULL', [outcomeId])) === 1;
    },
  };
}
