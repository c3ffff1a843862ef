/** The expressions of the case-stage index; store/sqlite/phone.ts queries with the same ones. */
export const CASE_NO = "(CASE WHEN json_valid(body) THEN json_extract(body, '$.case.projectNo') END)";
export const EVENT = "(CASE WHEN json_valid(body) THEN json_extract(body, '$.event') END)";

/**
 * Ratings on the citizen's own phone (issue 24, docs/phone-rating.md): the intake's own signing
 * key and link secret, case-bound links (single use, bound by a MAC), and the phone ratings,
 * each with the device ending it superseded, if any. Indexes find a case stage's device endings
 * (hall, case number, event — read from the signed body) and a window's latest stored outcome.
 * Released: never edited; a change is a new step.
 */
export const step020 = `
  CREATE TABLE intake_keys (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    signing_key TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    link_secret TEXT NOT NULL,
    created_at  INTEGER NOT NULL
  );
  CREATE TABLE case_links (
    id            TEXT PRIMARY KEY,
    device_id     TEXT NOT NULL,
    invitation_id TEXT NOT NULL,
    delivery      TEXT NOT NULL CHECK (delivery IN ('screen-qr', 'sms')),
    hall_code     TEXT NOT NULL,
    project_no    TEXT NOT NULL,
    event         TEXT NOT NULL,
    binding       TEXT NOT NULL,
    mac           TEXT NOT NULL,
    issued_at     INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER,
    UNIQUE (device_id, invitation_id, delivery)
  );
  CREATE TABLE phone_ratings (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('case', 'window')),
    channel     TEXT NOT NULL,
    hall_code   TEXT NOT NULL,
    window_no   TEXT NOT NULL,
    project_no  TEXT,
    event       TEXT,
    link_id     TEXT UNIQUE,
    supersedes  TEXT,
    counted     INTEGER NOT NULL CHECK (counted IN (0, 1)),
    flags       TEXT NOT NULL,
    address_key TEXT,
    browser_key TEXT,
    day         TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    body        TEXT NOT NULL
  );
  -- One counted phone rating per case stage, whatever the code above does.
  CREATE UNIQUE INDEX phone_ratings_one_per_stage ON phone_ratings (hall_code, project_no, event) WHERE kind = 'case' AND counted = 1;
  CREATE INDEX phone_ratings_window ON phone_ratings (hall_code, window_no, received_at);
  CREATE INDEX phone_ratings_address ON phone_ratings (address_key, received_at);
  CREATE INDEX phone_ratings_day ON phone_ratings (hall_code, day);
  -- Guarded by json_valid: a damaged stored body must stay storable (the re-check reports it), not make writes fail.
  CREATE INDEX outcomes_case_stage ON outcomes (hall_code, ${CASE_NO}, ${EVENT});
  CREATE INDEX outcomes_window ON outcomes (hall_code, window_no);`;
