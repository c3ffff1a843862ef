import { OutcomeSchema, type Outcome } from '../../contract/outcome';

/** The outcome fields the intake keeps in columns beside the signed body: what counts, exports and audits read. */
export const OUTCOME_COLUMNS = ['seq', 'outcome', 'level', 'rated_at', 'hall_code', 'window_no', 'staff_login', 'dept_name', 'task_code', 'chain_hash', 'prev_hash', 'flags', 'invitation_id', 'amends_id', 'amends_kind'] as const;
export type OutcomeColumn = (typeof OUTCOME_COLUMNS)[number];

/** Each column's value as the signed body gives it: written on ingest, compared by the re-check. */
export function outcomeColumns(o: Outcome): Record<OutcomeColumn, string | number | null> {
  return {
    seq: o.seq,
    outcome: o.outcome,
    level: o.level ?? null,
    rated_at: o.ratedAt,
    hall_code: o.window.hallCode,
    window_no: o.window.windowNo,
    staff_login: o.staff.loginName,
    dept_name: o.case.deptName,
    task_code: o.case.taskCode,
    chain_hash: o.hash,
    prev_hash: o.prevHash,
    flags: o.flags.join(','),
    invitation_id: o.invitationId,
    amends_id: o.amends?.outcomeId ?? null,
    amends_kind: o.amends?.kind ?? null,
  };
}

/** Reads a stored body back as an outcome, or says why it no longer reads as one. */
export function readStoredOutcome(body: string): { ok: true; outcome: Outcome } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'the stored body is not JSON' };
  }
  const parsed = OutcomeSchema.safeParse(json);
  return parsed.success ? { ok: true, outcome: parsed.data } : { ok: false, reason: 'the stored body is not an outcome' };
}
