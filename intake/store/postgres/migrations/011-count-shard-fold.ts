/**
 * The count rows still spread over shards, by day and by month (issue 25): what the fold
 * (store/postgres/countShardFold.ts) looks for. Once folded, a row is on shard 0 and out of the
 * index, which then holds about the last two days' and this month's rows only.
 * Released: never edited; a change is a new step.
 */
export const step011 = `
  CREATE INDEX dashboard_daily_sharded ON dashboard_daily (day) WHERE shard <> 0;
  CREATE INDEX dashboard_monthly_sharded ON dashboard_monthly (month) WHERE shard <> 0;
`;
