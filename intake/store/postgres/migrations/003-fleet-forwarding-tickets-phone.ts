/**
 * Fleet heartbeats, flags and invitation reports; the forwarding queue; 差评 tickets with their
 * append-only, hash-chained action log; phone ratings (SQLite's steps 014–021).
 * Released: never edited; a change is a new step.
 */
export const step003 = `
  CREATE TABLE device_heartbeats (
    device_id     TEXT COLLATE "C" PRIMARY KEY,
    hall_code     TEXT COLLATE "C" NOT NULL,
    received_at   BIGINT NOT NULL,
    body          TEXT COLLATE "C" NOT NULL,
    missing_since BIGINT
  );
  CREATE TABLE fleet_flags (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id TEXT COLLATE "C" NOT NULL,
    kind      TEXT COLLATE "C" NOT NULL,
    opened_at BIGINT NOT NULL,
    detail    TEXT COLLATE "C" NOT NULL,
    closed_at BIGINT,
    closed_by TEXT COLLATE "C"
  );
  CREATE UNIQUE INDEX fleet_flags_one_open ON fleet_flags (device_id, kind) WHERE closed_at IS NULL;
  CREATE INDEX fleet_flags_device ON fleet_flags (device_id, opened_at);
  CREATE TABLE invitation_reports (
    device_id     TEXT COLLATE "C" NOT NULL,
    invitation_id TEXT COLLATE "C" NOT NULL,
    hall_code     TEXT COLLATE "C" NOT NULL,
    body          TEXT COLLATE "C" NOT NULL,
    received_at   BIGINT NOT NULL,
    answered_at   BIGINT,
    PRIMARY KEY (device_id, invitation_id)
  );
  CREATE INDEX invitation_reports_unanswered ON invitation_reports (answered_at, device_id);

  CREATE TABLE forward_destinations (
    name      TEXT COLLATE "C" NOT NULL,
    hall_code TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (name, hall_code)
  );
  CREATE TABLE forward_queue (
    outcome_id      TEXT COLLATE "C" NOT NULL REFERENCES outcome_ids (id),
    destination     TEXT COLLATE "C" NOT NULL,
    state           TEXT COLLATE "C" NOT NULL CHECK (state IN ('pending', 'sending', 'acknowledged', 'refused')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT COLLATE "C",
    ack_id          TEXT COLLATE "C",
    ack_kind        TEXT COLLATE "C" CHECK (ack_kind IN ('accepted', 'duplicate')),
    stored_at       BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    late            BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (outcome_id, destination),
    CHECK (state <> 'acknowledged' OR ack_kind IS NOT NULL)
  );
  CREATE INDEX forward_queue_due ON forward_queue (destination, state, next_attempt_at);
  CREATE INDEX forward_queue_stored ON forward_queue (stored_at);

  CREATE TABLE tickets (
    id          TEXT COLLATE "C" PRIMARY KEY,
    outcome_id  TEXT COLLATE "C" UNIQUE REFERENCES outcome_ids (id),
    hall_code   TEXT COLLATE "C",
    department  TEXT COLLATE "C",
    stage       TEXT COLLATE "C" NOT NULL CHECK (stage IN ('opened', 'contacted', 'determined', 'appealed', 'rectifying', 'rectified', 'feedback_given', 'closed')),
    due_at      BIGINT,
    opened_at   BIGINT NOT NULL,
    excluded    BOOLEAN NOT NULL DEFAULT FALSE,
    version     INTEGER NOT NULL CHECK (version >= 1),
    state       TEXT COLLATE "C" NOT NULL,
    dispatch    TEXT COLLATE "C"
  );
  CREATE INDEX tickets_opened ON tickets (opened_at, id);
  CREATE INDEX tickets_running ON tickets (stage, due_at);
  CREATE TABLE ticket_actions (
    seq        BIGINT PRIMARY KEY,
    ticket_id  TEXT COLLATE "C" NOT NULL REFERENCES tickets (id),
    at         BIGINT NOT NULL,
    actor      TEXT COLLATE "C" NOT NULL,
    what       TEXT COLLATE "C" NOT NULL,
    before     TEXT COLLATE "C",
    after      TEXT COLLATE "C" NOT NULL,
    prev_hash  TEXT COLLATE "C" NOT NULL,
    hash       TEXT COLLATE "C" NOT NULL
  );
  CREATE INDEX ticket_actions_ticket ON ticket_actions (ticket_id, seq);
  CREATE FUNCTION ticket_actions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION 'the ticket action log is append-only';
  END $$;
  CREATE TRIGGER ticket_actions_no_change BEFORE UPDATE OR DELETE ON ticket_actions FOR EACH ROW EXECUTE FUNCTION ticket_actions_append_only();
  CREATE TRIGGER ticket_actions_no_truncate BEFORE TRUNCATE ON ticket_actions FOR EACH STATEMENT EXECUTE FUNCTION ticket_actions_append_only();

  CREATE TABLE intake_keys (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    signing_key TEXT COLLATE "C" NOT NULL,
    public_key  TEXT COLLATE "C" NOT NULL,
    link_secret TEXT COLLATE "C" NOT NULL,
    created_at  BIGINT NOT NULL
  );
  CREATE TABLE case_links (
    id            TEXT COLLATE "C" PRIMARY KEY,
    device_id     TEXT COLLATE "C" NOT NULL,
    invitation_id TEXT COLLATE "C" NOT NULL,
    delivery      TEXT COLLATE "C" NOT NULL CHECK (delivery IN ('screen-qr', 'sms')),
    hall_code     TEXT COLLATE "C" NOT NULL,
    project_no    TEXT COLLATE "C" NOT NULL,
    event         TEXT COLLATE "C" NOT NULL,
    binding       TEXT COLLATE "C" NOT NULL,
    mac           TEXT COLLATE "C" NOT NULL,
    issued_at     BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    used_at       BIGINT,
    UNIQUE (device_id, invitation_id, delivery)
  );
  CREATE TABLE phone_ratings (
    id          TEXT COLLATE "C" PRIMARY KEY,
    kind        TEXT COLLATE "C" NOT NULL CHECK (kind IN ('case', 'window')),
    channel     TEXT COLLATE "C" NOT NULL,
    hall_code   TEXT COLLATE "C" NOT NULL,
    window_no   TEXT COLLATE "C" NOT NULL,
    project_no  TEXT COLLATE "C",
    event       TEXT COLLATE "C",
    link_id     TEXT COLLATE "C" UNIQUE,
    supersedes  TEXT COLLATE "C",
    counted     BOOLEAN NOT NULL,
    flags       TEXT COLLATE "C" NOT NULL,
    address_key TEXT COLLATE "C",
    browser_key TEXT COLLATE "C",
    day         TEXT COLLATE "C" NOT NULL,
    received_at BIGINT NOT NULL,
    body        TEXT COLLATE "C" NOT NULL
  );
  CREATE UNIQUE INDEX phone_ratings_one_per_stage ON phone_ratings (hall_code, project_no, event) WHERE kind = 'case' AND counted;
  CREATE INDEX phone_ratings_window ON phone_ratings (hall_code, window_no, received_at);
  CREATE INDEX phone_ratings_address ON phone_ratings (address_key, received_at);
  CREATE INDEX phone_ratings_day ON phone_ratings (hall_code, day);
  CREATE INDEX phone_ratings_supersedes ON phone_ratings (supersedes);
`;
