import { COUNT_SHARDS } from './008-dashboard-count-shards';
import { TICKET_LOG_LOCK } from './009-ticket-log-head';

/** The count shard only the holder of the ticket log's turn writes (one past the shards of step 8). */
export const TURN_SHARD = COUNT_SHARDS;

/**
 * One count shard per transaction, and the ticket log's turn a shard of its own (issue 25, review
 * findings on step 8):
 * - A transaction could write counts more than once (a withdrawal's counts, then the batch's, or
 *   the follow-up trigger's), each time to the next shard: two such transactions whose shards
 *   crossed deadlocked, where with one row per key the second had simply waited. The first count
 *   write of a transaction now chooses its shard and every later one (ingest's, the trigger's)
 *   uses it (a transaction-local setting).
 * - A batch writes its counts and then takes the ticket log's turn; one that withdraws a press or
 *   adds details takes the turn first and then writes counts. Two of them meeting on a count row
 *   deadlocked the same way. The turn is held by one transaction at a time, so counts written while
 *   holding it go to a shard no one else writes: the turn's holder never waits on a count row.
 *   ticket_log_head() marks the transaction as holding the turn.
 * Released: never edited; a change is a new step.
 */
export const step010 = `
  CREATE OR REPLACE FUNCTION ticket_log_head() RETURNS TABLE (seq BIGINT, hash TEXT) LANGUAGE plpgsql VOLATILE AS $$
  BEGIN
    PERFORM pg_advisory_xact_lock(${TICKET_LOG_LOCK});
    PERFORM set_config('intake.ticket_turn', 'held', true);
    RETURN QUERY SELECT a.seq::BIGINT, a.hash::TEXT FROM ticket_actions a ORDER BY a.seq DESC LIMIT 1;
  END $$;
  CREATE FUNCTION dashboard_ingest_shard(chosen SMALLINT) RETURNS SMALLINT LANGUAGE plpgsql VOLATILE AS $$
  DECLARE
    kept TEXT := current_setting('intake.count_shard', true);
  BEGIN
    IF current_setting('intake.ticket_turn', true) = 'held' THEN
      RETURN ${TURN_SHARD};
    END IF;
    IF kept IS NULL OR kept = '' THEN
      PERFORM set_config('intake.count_shard', chosen::TEXT, true);
      RETURN chosen;
    END IF;
    RETURN kept::SMALLINT;
  END $$;
  CREATE OR REPLACE FUNCTION dashboard_count_shard() RETURNS SMALLINT LANGUAGE sql VOLATILE AS $$
    SELECT dashboard_ingest_shard((pg_backend_pid() % ${COUNT_SHARDS})::SMALLINT)
  $$;
`;
