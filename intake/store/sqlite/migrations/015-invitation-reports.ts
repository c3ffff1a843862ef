/**
 * Invitations the devices reported (issue 20, contract/invitationReport.ts): kept per device and
 * invitation, answered once an outcome of the invitation is stored. Those left unanswered past
 * their due time raise missing-outcome (intake/fleet/).
 * Released: never edited; a change is a new step.
 */
export const step015 = `
  CREATE TABLE invitation_reports (
    device_id     TEXT NOT NULL,
    invitation_id TEXT NOT NULL,
    hall_code     TEXT NOT NULL,
    body          TEXT NOT NULL,
    received_at   INTEGER NOT NULL,
    answered_at   INTEGER,
    PRIMARY KEY (device_id, invitation_id)
  ) WITHOUT ROWID;
  CREATE INDEX invitation_reports_unanswered ON invitation_reports (answered_at, device_id);`;
