/**
 * 补报 (issue 22): a forwarding record queued by a late-upload run (ratings stored before their
 * destination was configured, or readmitted after an integrity hold) is marked, so that an
 * interface with a call of its own for late uploads (Fujian getEvaluationSupplement) uses it.
 * Released: never edited; a change is a new step.
 */
export const step021 = `ALTER TABLE forward_queue ADD COLUMN late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1));`;
