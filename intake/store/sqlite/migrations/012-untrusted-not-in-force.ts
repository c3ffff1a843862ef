import { uncountOutcomes } from '../dashboardSql';
import type { SqliteDb } from '../sqliteDb';

/**
 * Untrusted records are not in force (issue 18): a new merge state `untrusted` (the merge
 * column is rebuilt with the wider CHECK; row ids, and so storage order, stay). Records stored
 * untrusted before were counted as ratings in force: each such ending is taken back out of the
 * dashboard counts, comments and hot words, its open follow-up is removed (a closed one is
 * kept: someone acted on it), and it becomes `untrusted`, until a person readmits it.
 * (Untrusted amendments already merged keep their state.)
 * Released: never edited; a change is a new step.
 */
export function step012(db: SqliteDb): void {
  db.exec(`
    ALTER TABLE outcomes ADD COLUMN merge_state TEXT NOT NULL DEFAULT 'rating'
      CHECK (merge_state IN ('rating', 'withdrawn', 'second', 'amendment', 'orphan', 'untrusted'));
    UPDATE outcomes SET merge_state = merge;
    ALTER TABLE outcomes DROP COLUMN merge;
    ALTER TABLE outcomes RENAME COLUMN merge_state TO merge;`);
  const counted = "trusted = 0 AND merge = 'rating'";
  uncountOutcomes(db, counted);
  db.exec(`DELETE FROM followups WHERE closed_at IS NULL AND outcome_id IN (SELECT id FROM outcomes WHERE ${counted});
           UPDATE outcomes SET merge = 'untrusted' WHERE ${counted};`);
}
