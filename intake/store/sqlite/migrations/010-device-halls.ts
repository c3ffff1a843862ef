/**
 * Devices belong to one hall (issue 18): the hall is bound to the enrolment token at provisioning
 * and becomes the device's when it enrols. A token is for a first enrolment or for the key
 * rotation of an enrolled device. Devices and tokens from before have no hall (NULL): such a
 * device gets one only from its provisioned token again (the operator's word, never the
 * device's), and an unbound token enrols nothing.
 * Released: never edited; a change is a new step.
 */
export const step010 = `
  ALTER TABLE devices ADD COLUMN hall_code TEXT;
  ALTER TABLE enrolment_tokens ADD COLUMN hall_code TEXT;
  ALTER TABLE enrolment_tokens ADD COLUMN purpose TEXT NOT NULL DEFAULT 'enrol' CHECK (purpose IN ('enrol', 'rotate'));`;
