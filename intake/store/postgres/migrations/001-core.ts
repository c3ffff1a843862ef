/**
 * The intake's tables on PostgreSQL as SQLite's steps 001–021 left them, in one step: devices,
 * tokens and keys, outcomes (partitioned by month of storage, see ../outcomePartitions.ts),
 * integrity events, invitations, follow-ups, pairing, signed requests and throttles. Times are
 * milliseconds (BIGINT); `position` columns stand for SQLite's rowid (storage order); text
 * columns compare byte-wise (COLLATE "C") as SQLite's do, so orders and page keys agree.
 * Released: never edited; a change is a new step.
 */
export const step001 = `
  CREATE TABLE devices (
    device_id   TEXT COLLATE "C" PRIMARY KEY,
    public_key  TEXT COLLATE "C" NOT NULL,
    enrolled_at BIGINT NOT NULL,
    flagged_at  BIGINT,
    flag_reason TEXT COLLATE "C",
    hall_code   TEXT COLLATE "C"
  );
  CREATE TABLE enrolment_tokens (
    token_hash TEXT COLLATE "C" PRIMARY KEY,
    position   BIGINT GENERATED ALWAYS AS IDENTITY,
    device_id  TEXT COLLATE "C",
    expires_at BIGINT NOT NULL,
    used_at    BIGINT,
    used_by    TEXT COLLATE "C",
    hall_code  TEXT COLLATE "C",
    purpose    TEXT COLLATE "C" NOT NULL DEFAULT 'enrol' CHECK (purpose IN ('enrol', 'rotate')),
    revoked_at BIGINT,
    revoked_by TEXT COLLATE "C"
  );
  CREATE INDEX enrolment_tokens_device ON enrolment_tokens (device_id, position);
  CREATE INDEX enrolment_tokens_hall ON enrolment_tokens (hall_code, position);
  CREATE TABLE device_keys (
    position    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id   TEXT COLLATE "C" NOT NULL,
    public_key  TEXT COLLATE "C" NOT NULL,
    enrolled_at BIGINT NOT NULL,
    retired_at  BIGINT,
    first_seq   BIGINT
  );
  CREATE INDEX device_keys_device ON device_keys (device_id, enrolled_at);

  -- A signed body read as JSON, or NULL when it no longer is (a tampered row must not break a query).
  CREATE FUNCTION intake_json(body TEXT) RETURNS JSONB LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
  BEGIN
    RETURN body::jsonb;
  EXCEPTION WHEN others THEN
    RETURN NULL;
  END $$;

  -- One row per stored outcome id across every partition: partitioned tables cannot hold a
  -- unique key without the partition column, and the tables that name an outcome refer here.
  CREATE TABLE outcome_ids (
    id          TEXT COLLATE "C" PRIMARY KEY,
    received_at BIGINT NOT NULL
  );
  CREATE SEQUENCE outcome_position AS BIGINT;
  CREATE TABLE outcomes (
    id            TEXT COLLATE "C" NOT NULL,
    position      BIGINT NOT NULL DEFAULT nextval('outcome_position'),
    device_id     TEXT COLLATE "C" NOT NULL,
    seq           BIGINT NOT NULL,
    body_hash     TEXT COLLATE "C" NOT NULL,
    body          TEXT COLLATE "C" NOT NULL,
    received_at   BIGINT NOT NULL,
    outcome       TEXT COLLATE "C" NOT NULL,
    level         INTEGER,
    rated_at      TEXT COLLATE "C" NOT NULL,
    hall_code     TEXT COLLATE "C" NOT NULL,
    window_no     TEXT COLLATE "C" NOT NULL,
    staff_login   TEXT COLLATE "C" NOT NULL,
    dept_name     TEXT COLLATE "C" NOT NULL,
    task_code     TEXT COLLATE "C" NOT NULL,
    chain_hash    TEXT COLLATE "C",
    prev_hash     TEXT COLLATE "C",
    flags         TEXT COLLATE "C" NOT NULL DEFAULT '',
    trusted       BOOLEAN NOT NULL DEFAULT TRUE,
    invitation_id TEXT COLLATE "C",
    amends_id     TEXT COLLATE "C",
    amends_kind   TEXT COLLATE "C",
    merge         TEXT COLLATE "C" NOT NULL DEFAULT 'rating' CHECK (merge IN ('rating', 'withdrawn', 'second', 'amendment', 'orphan', 'untrusted')),
    PRIMARY KEY (id, received_at)
  ) PARTITION BY RANGE (received_at);
  -- Rows of a month without its own partition (far past or future clocks) still have a place.
  CREATE TABLE outcomes_default PARTITION OF outcomes DEFAULT;
  CREATE INDEX outcomes_device_seq ON outcomes (device_id, seq, position);
  CREATE INDEX outcomes_received ON outcomes (received_at, id);
  CREATE INDEX outcomes_invitation ON outcomes (device_id, invitation_id);
  CREATE INDEX outcomes_amends ON outcomes (amends_id);
  CREATE INDEX outcomes_window ON outcomes (hall_code, window_no, position);
  CREATE INDEX outcomes_case_stage ON outcomes (hall_code, (intake_json(body) #>> '{case,projectNo}'), (intake_json(body) ->> 'event'));

  CREATE TABLE late_flags (
    outcome_id  TEXT COLLATE "C" NOT NULL REFERENCES outcome_ids (id),
    flag        TEXT COLLATE "C" NOT NULL,
    count       BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (outcome_id, flag)
  );
  CREATE TABLE integrity_events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id  TEXT COLLATE "C" NOT NULL,
    kind       TEXT COLLATE "C" NOT NULL,
    seq        BIGINT,
    outcome_id TEXT COLLATE "C",
    detail     TEXT COLLATE "C" NOT NULL,
    at         BIGINT NOT NULL
  );
  CREATE INDEX integrity_events_device ON integrity_events (device_id, id);
  CREATE TABLE invitations (
    id         TEXT COLLATE "C" PRIMARY KEY,
    device_id  TEXT COLLATE "C" NOT NULL,
    event_key  TEXT COLLATE "C" NOT NULL,
    body       TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    acked_at   BIGINT,
    UNIQUE (device_id, event_key)
  );
  CREATE INDEX invitations_pending ON invitations (device_id, acked_at);
  CREATE TABLE followups (
    outcome_id        TEXT COLLATE "C" PRIMARY KEY REFERENCES outcome_ids (id),
    class             TEXT COLLATE "C" NOT NULL CHECK (class IN ('immediate', '5wd', '15wd')),
    opened_at         BIGINT NOT NULL,
    due_at            BIGINT NOT NULL,
    closed_at         BIGINT,
    note              TEXT COLLATE "C",
    counted_on_ingest BOOLEAN NOT NULL DEFAULT FALSE
  );
  CREATE INDEX followups_open ON followups (closed_at, due_at);
  CREATE TABLE sealing_keys (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    public_key TEXT COLLATE "C" NOT NULL,
    secret_key TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE pairing_codes (
    code         TEXT COLLATE "C" NOT NULL,
    device_id    TEXT COLLATE "C" NOT NULL,
    position     BIGINT GENERATED ALWAYS AS IDENTITY,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    replaced_at  BIGINT,
    confirmed_at BIGINT,
    staff_login  TEXT COLLATE "C",
    staff        TEXT COLLATE "C",
    failures     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (device_id, code)
  );
  CREATE INDEX pairing_codes_code ON pairing_codes (code, expires_at);
  CREATE TABLE request_nonces (
    device_id  TEXT COLLATE "C" NOT NULL,
    nonce      TEXT COLLATE "C" NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (device_id, nonce)
  );
  CREATE INDEX request_nonces_expiry ON request_nonces (expires_at);
  CREATE TABLE feed_tickets (
    ticket_hash TEXT COLLATE "C" PRIMARY KEY,
    device_id   TEXT COLLATE "C" NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
  );
  CREATE INDEX feed_tickets_expiry ON feed_tickets (expires_at);
  CREATE TABLE login_failures (
    key          TEXT COLLATE "C" PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0,
    last_at      BIGINT NOT NULL
  );
  CREATE INDEX login_failures_last ON login_failures (last_at);
  CREATE TABLE rate_limits (
    key      TEXT COLLATE "C" PRIMARY KEY,
    count    INTEGER NOT NULL,
    reset_at BIGINT NOT NULL
  );
  CREATE INDEX rate_limits_reset ON rate_limits (reset_at);
`;
