/**
 * intake_json (001) catches a body that is not JSON in an EXCEPTION block, which is a
 * subtransaction, and PostgreSQL starts none in a parallel operation: declared PARALLEL SAFE, it
 * failed a parallel plan of a query over many outcomes, and the parallel build of its index
 * (outcomes_case_stage) once a month's partition outgrew about 8 MB, so pg_restore of a real
 * database stopped at that index (issue 25 review). PARALLEL UNSAFE keeps both serial.
 * Released: never edited; a change is a new step.
 */
export const step012 = `
  ALTER FUNCTION intake_json(TEXT) PARALLEL UNSAFE;
`;
