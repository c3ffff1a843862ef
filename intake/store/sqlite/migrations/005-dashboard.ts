import type { SqliteDb } from '../sqliteDb';
import { backfillDashboard, DASHBOARD_SCHEMA } from '../dashboardSql';

/**
 * Dashboard pre-aggregation (issue 9): daily and monthly counts per dimension, hot words and
 * public comments, with everything already stored counted in.
 * Released: never edited; a change is a new step.
 */
export function step005(db: SqliteDb): void {
  db.exec(DASHBOARD_SCHEMA);
  backfillDashboard(db);
}
