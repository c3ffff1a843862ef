import { COUNT_SHARDS } from './008-dashboard-count-shards';
import { TICKET_LOG_LOCK } from './009-ticket-log-head';

/** The count shard only the holder of the ticket log's turn writes (one past the shards of step 8). */
export const TURN_SHARD = COUNT_SHARDS;

/**
 * Counts written while holding the ticket log's turn go to a shard of their own (issue 25, a
 * review finding). A batch writes its counts and then takes the turn; one that withdraws a press
 * or adds details takes the turn first and then writes counts (its own, and the follow-up
 * trigger's). Two such batches meeting on a count row waited for each other until PostgreSQL
 * broke the deadlock and the batch ran again. The turn is held by one transaction at a time, so
 * rows of the turn's shard are never locked by anyone who waits for it: the turn's holder never
 * waits on a count row. ticket_log_head() marks the transaction as holding the turn
 * (a transaction-local setting); dashboard_count_shard() and ingest's shard choice read the mark.
 * Released: never edited; a change is a new step.
 */
export const step010 = `
  CREATE OR REPLACE FUNCTION ticket_log_head() RETURNS TABLE (seq BIGINT, hash TEXT) LANGUAGE plpgsql VOLATILE AS $$
  BEGIN
    PERFORM pg_advisory_xact_lock(${TICKET_LOG_LOCK});
    PERFORM set_config('intake.ticket_turn', 'held', true);
    RETURN QUERY SELECT a.seq::BIGINT, a.hash::TEXT FROM ticket_actions a ORDER BY a.seq DESC LIMIT 1;
  END $$;
  CREATE FUNCTION dashboard_ingest_shard(chosen SMALLINT) RETURNS SMALLINT LANGUAGE sql VOLATILE AS $$
    SELECT CASE WHEN current_setting('intake.ticket_turn', true) = 'held' THEN ${TURN_SHARD}::SMALLINT ELSE chosen END
  $$;
  CREATE OR REPLACE FUNCTION dashboard_count_shard() RETURNS SMALLINT LANGUAGE sql VOLATILE AS $$
    SELECT dashboard_ingest_shard((pg_backend_pid() % ${COUNT_SHARDS})::SMALLINT)
  $$;
`;
