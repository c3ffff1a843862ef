import { TURN_SHARD } from './010-ticket-turn-count-shard';

/** The shard only the fold writes (countShardFold.ts): one past the ticket turn's. */
export const FOLD_SHARD = TURN_SHARD + 1;

/**
 * The count rows writers spread over shards (0-15: ingest and the follow-up trigger), by day and
 * by month (issue 25): what the fold looks for. Once folded, a period's counts are on the fold's
 * own shard and out of the index, which then holds about the last two days' and this month's rows.
 * Released: never edited; a change is a new step.
 */
export const step011 = `
  CREATE INDEX dashboard_daily_sharded ON dashboard_daily (day) WHERE shard < ${TURN_SHARD};
  CREATE INDEX dashboard_monthly_sharded ON dashboard_monthly (month) WHERE shard < ${TURN_SHARD};
`;
