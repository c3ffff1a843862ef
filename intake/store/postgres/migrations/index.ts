import { NewerSchemaError } from '../../newerSchema';
import type { PgSql } from '../pgSql';
import { step001 } from './001-core';
import { step002 } from './002-dashboard';
import { step003 } from './003-fleet-forwarding-tickets-phone';
import { step004 } from './004-phone-ratings-followed';
import { step005 } from './005-session-audit';
import { step006 } from './006-phone-followups-counted';
import { step007 } from './007-forward-ticket-states';
import { step008 } from './008-dashboard-count-shards';
import { step009 } from './009-ticket-log-head';
import { step010 } from './010-ticket-turn-count-shard';
import { step011 } from './011-count-shard-fold';
import { step012 } from './012-intake-json-parallel-unsafe';

/** The PostgreSQL schema steps, applied in order; schema_migrations records each one applied. */
const MIGRATIONS: string[] = [step001, step002, step003, step004, step005, step006, step007, step008, step009, step010, step011, step012];

export const PG_SCHEMA_VERSION = MIGRATIONS.length;

/** Any fixed number: the advisory lock every intake node takes to migrate, one node at a time. */
const MIGRATION_LOCK = 0x1ae7a6e;

/**
 * Brings the schema up to date in one transaction (or up to `target` steps: tests stop earlier to
 * build an older database). Several nodes starting at once on one database queue on a
 * transaction-scoped advisory lock, and each applies only the steps not yet recorded.
 */
export async function migrate(sql: PgSql, target: number = MIGRATIONS.length): Promise<number> {
  return sql.atomic(async (tx) => {
    await tx.run('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const done = await tx.row<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    if ((done?.v ?? 0) > MIGRATIONS.length) throw new NewerSchemaError(done?.v ?? 0, MIGRATIONS.length);
    for (let step = done?.v ?? 0; step < Math.min(target, MIGRATIONS.length); step++) {
      await tx.run(MIGRATIONS[step] as string);
      await tx.run('INSERT INTO schema_migrations (version) VALUES ($1)', [step + 1]);
    }
    return MIGRATIONS.length;
  });
}

