/**
 * Enrolment tokens can be revoked (issue 21): by a person (listed at the intake, revoked with who
 * and why), and by the intake itself when a device enrols or rotates with a newer token, so a
 * never-used token from an earlier provisioning run cannot enrol a key later.
 * Released: never edited; a change is a new step.
 */
export const step019 = `
  ALTER TABLE enrolment_tokens ADD COLUMN revoked_at INTEGER;
  ALTER TABLE enrolment_tokens ADD COLUMN revoked_by TEXT;
  CREATE INDEX enrolment_tokens_device ON enrolment_tokens (device_id);`;
