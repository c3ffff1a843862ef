/**
 * Key rotation that never strands a rating (issue 16): each key of a device remembers the lowest
 * chain seq it signed among the stored outcomes. An outcome signed by a retired key counts only
 * below the first seq a later key of the device signed (intake/integrity/keyChoice.ts).
 * Backfill: before key ids, every outcome was verified against the key current when it arrived,
 * so a key's first seq is the lowest seq stored while it was current.
 * Released: never edited; a change is a new step.
 */
export const step016 = `
  ALTER TABLE device_keys ADD COLUMN first_seq INTEGER;
  UPDATE device_keys SET first_seq = (
    SELECT MIN(o.seq) FROM outcomes o
    WHERE o.device_id = device_keys.device_id
      AND o.received_at >= device_keys.enrolled_at
      AND (device_keys.retired_at IS NULL OR o.received_at < device_keys.retired_at)
  );`;
