import { NewerSchemaError } from '../../newerSchema';
import type { SqliteDb } from '../sqliteDb';
import { step001 } from './001-devices-outcomes';
import { step002 } from './002-invitations';
import { step003 } from './003-followups';
import { step004 } from './004-integrity';
import { step005 } from './005-dashboard';
import { step006 } from './006-pairing-codes';
import { step007 } from './007-device-keys';
import { step008 } from './008-count-followups-at-ingest';
import { step009 } from './009-merged-ratings';
import { step010 } from './010-device-halls';
import { step011 } from './011-signed-requests';
import { step012 } from './012-untrusted-not-in-force';
import { step013 } from './013-throttles';
import { step014 } from './014-fleet';
import { step015 } from './015-invitation-reports';
import { step016 } from './016-key-first-seq';
import { step017 } from './017-forwarding';
import { step018 } from './018-tickets';
import { step019 } from './019-token-revocation';
import { step020 } from './020-phone-ratings';
import { step021 } from './021-forward-late';
import { step022 } from './022-phone-ratings-followed';
import { step023 } from './023-session-audit';
import { step024 } from './024-phone-followups-counted';
import { step025 } from './025-forward-ticket-states';

/**
 * The one list of schema steps, applied in order; PRAGMA user_version records how many have run.
 * A step is SQL, or a function for backfills that need code (each runs in its own transaction).
 */
const MIGRATIONS: Array<string | ((db: SqliteDb) => void)> = [step001, step002, step003, step004, step005, step006, step007, step008, step009, step010, step011, step012, step013, step014, step015, step016, step017, step018, step019, step020, step021, step022, step023, step024, step025];

/** The schema version a fully migrated database reports in PRAGMA user_version. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the schema up to `target` steps (all by default; tests stop earlier to build an old file). */
export function migrate(db: SqliteDb, target: number = MIGRATIONS.length): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) throw new NewerSchemaError(current, MIGRATIONS.length);
  // A step that rebuilds a table (022) must drop it while others refer to it: foreign keys are off
  // during the steps (the pragma does nothing inside a transaction) and such a step checks them itself.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) === 1;
  if (foreignKeys) db.pragma('foreign_keys = OFF');
  try {
    for (let step = current; step < Math.min(target, MIGRATIONS.length); step++) {
      db.transaction(() => {
        const migration = MIGRATIONS[step];
        if (typeof migration === 'function') migration(db);
        else db.exec(migration as string);
        db.pragma(`user_version = ${step + 1}`);
      })();
    }
  } finally {
    if (foreignKeys) db.pragma('foreign_keys = ON');
  }
  return MIGRATIONS.length;
}
