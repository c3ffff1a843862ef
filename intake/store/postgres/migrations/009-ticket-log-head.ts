/** Any fixed number, apart from the migration and partition locks: appenders to the ticket action log take turns on it. */
export const TICKET_LOG_LOCK = 0x1ae7a70;

/**
 * The ticket action log's head in one round trip (issue 25): the turn's lock, then the head. The
 * lock is held to the commit by every batch that opens a ticket, so each round trip in it is a
 * wait for every other such batch; two statements (lock, then read) were two. A VOLATILE
 * plpgsql function runs each statement on a new snapshot, so the read after the lock sees what
 * the turn's previous holder committed (one statement of SQL would read on a snapshot taken
 * before the lock was granted).
 * Released: never edited; a change is a new step.
 */
export const step009 = `
  CREATE FUNCTION ticket_log_head() RETURNS TABLE (seq BIGINT, hash TEXT) LANGUAGE plpgsql VOLATILE AS $$
  BEGIN
    PERFORM pg_advisory_xact_lock(${TICKET_LOG_LOCK});
    RETURN QUERY SELECT a.seq::BIGINT, a.hash::TEXT FROM ticket_actions a ORDER BY a.seq DESC LIMIT 1;
  END $$;
`;
