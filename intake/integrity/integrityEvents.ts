/** What the chain audit records of a device's chain, and what it reports. */
export type IntegrityEventKind =
  /** seqs were skipped: outcomes that never arrived, e.g. deleted on the device */
  | 'gap'
  /** an outcome arrived after later ones: it fills (part of) an earlier gap */
  | 'late_arrival'
  /** a second outcome with a seq already taken: the device's chain was forked or replayed */
  | 'fork'
  /** prevHash does not match the stored neighbour's hash */
  | 'chain_break'
  /** content changed after signing */
  | 'tampered'
  /** signed by another key than the device's */
  | 'bad_outcome_signature'
  /** a second ending for an invitation that already has a rating in force (kept, not counted) */
  | 'second_rating'
  /** details, confirm or withdrawal of a press this intake does not hold in force (kept, not merged) */
  | 'orphan_amendment'
  /** an outcome, case event or enrolment naming another hall than the device's (refused) */
  | 'wrong_hall'
  /** an enrolment of this device was refused: a second enrolment, or its used token with another key (a takeover attempt, or a lost answer) */
  | 'enrolment_refused'
  /** the device's key was replaced with a rotation token */
  | 'key_rotated'
  /** a person cleared the flagged device and readmitted (some of) its untrusted records */
  | 'trust_restored'
  /** a person imported what a tablet reset offline exported (admin import) */
  | 'outcomes_imported';

export interface IntegrityEvent {
  kind: IntegrityEventKind;
  seq: number | null;
  outcomeId: string | null;
  detail: string;
  at: number;
}

export interface SeqGap {
  fromSeq: number;
  toSeq: number;
}
