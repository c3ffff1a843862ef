import type { PgSql } from './pgSql';

/** The triggers the intake's promises stand on (migrations 002 and 003): dashboard follow-up counts, and the append-only ticket log. */
const REQUIRED_TRIGGERS = ['dashboard_followup_insert', 'dashboard_followup_update', 'dashboard_followup_delete', 'ticket_actions_no_change', 'ticket_actions_no_truncate'];

/**
 * The tables the migrations make (schemaSteps.test.ts fails when a step adds one not listed here).
 * Only these are checked: a table someone else keeps in the same schema is none of the intake's.
 */
export const INTAKE_TABLES = [
  'case_links', 'dashboard_comments', 'dashboard_daily', 'dashboard_monthly', 'dashboard_words', 'device_heartbeats', 'device_keys', 'devices',
  'enrolment_tokens', 'feed_tickets', 'fleet_flags', 'followups', 'forward_destinations', 'forward_queue', 'forward_ticket_states', 'intake_keys',
  'integrity_events', 'invitation_reports', 'invitations', 'late_flags', 'login_failures', 'outcome_ids', 'outcomes', 'pairing_codes',
  'phone_ratings', 'rate_limits', 'request_nonces', 'schema_migrations', 'sealing_keys', 'ticket_actions', 'tickets',
];

/**
 * What a schema lacks that every migrated intake database has: each of its tables, with its
 * primary key, and the triggers above. pg_restore writes keys and triggers last (its post-data
 * section), so a restore stopped or failed before the end leaves tables full of rows without
 * them, and a node on it would take duplicates and let the ticket log be rewritten (issue 25
 * review). Empty when complete.
 */
export async function missingSchemaParts(sql: PgSql): Promise<string[]> {
  const rows = await sql.rows<{ what: string }>(
    `SELECT 'table ' || t || ' is missing' AS what FROM unnest($2::TEXT[]) AS t
      WHERE NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = t AND n.nspname = current_schema())
     UNION ALL
     SELECT 'table ' || c.relname || ' has no primary key'
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relname = ANY($2::TEXT[])
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p')
     UNION ALL
     SELECT 'trigger ' || t || ' is missing' FROM unnest($1::TEXT[]) AS t
      WHERE NOT EXISTS (SELECT 1 FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE g.tgname = t AND n.nspname = current_schema())
     ORDER BY 1`,
    [REQUIRED_TRIGGERS, INTAKE_TABLES],
  );
  return rows.map((r) => r.what);
}

/** Whether the database holds an intake's schema at all (a restore's target, before verify opens it). */
export async function hasIntakeSchema(sql: PgSql): Promise<boolean> {
  const row = await sql.row<{ found: string | null }>("SELECT to_regclass('schema_migrations')::TEXT AS found");
  return row?.found != null;
}
