import path from 'node:path';
import { parseCommandLine } from '../shared-node/commandLine';
import { recheckAll } from './integrity/recheckAll';
import type { IntakeStore } from './store/store';
import { pgDevicesWithOutcomes, pgHasIntakeSchema } from './store/postgres/backup';
import { openPostgresStore } from './store/postgres/postgresStore';
import { backupSqlite, devicesWithOutcomes, restoreSqlite, type BackupProgress } from './store/sqlite/backup';
import { openSqliteStore } from './store/sqlite/sqliteStore';

const HELP = `Usage: npm run intake:backup -- --db FILE --to FILE
       npm run intake:restore -- --from FILE --db FILE
       npm run intake:verify -- [--db FILE]        (DATABASE_URL set: the PostgreSQL database)

Backs up the intake's SQLite database while the intake runs (one consistent snapshot, owner-only,
never over an existing file), or restores a backup: SQLite's structure check and the intake's
integrity re-check of every device's stored ratings (content, signature, chain links) run on a
copy first, and the copy becomes the database only if both pass. A restore never replaces an
existing database: stop the intake and move the old file (and its -wal) aside first.
verify runs the same integrity re-check on a database in place: a SQLite file, or with
DATABASE_URL a PostgreSQL database (after pg_restore: PostgreSQL deployments back up with
pg_dump and restore with pg_restore, docs/deployment.md).

Options:
  --db FILE     the intake's database (default .data/intake.sqlite)
  --to FILE     backup: where the backup goes
  --from FILE   restore: the backup to restore
  -h, --help    this text`;

const { values, positionals } = parseCommandLine(HELP, {
  options: { db: { type: 'string', default: '.data/intake.sqlite' }, to: { type: 'string' }, from: { type: 'string' } },
  allowPositionals: true,
});

/** The stored re-check of every device, with progress; throws (exit 1) when any record fails. */
async function recheckOrFail(store: IntakeStore, deviceIds: string[], failing: string, outcome: string): Promise<void> {
  const result = await recheckAll(store, deviceIds, (done) => process.stderr.write(`\r  re-checking devices: ${done}/${deviceIds.length}`));
  console.error('');
  console.log(`re-checked ${result.checked} stored records of ${result.devices} devices: ${result.verified} verified, ${result.unverifiable} from before key history (content and links hold), ${result.failureCount} failed`);
  if (result.failureCount > 0) {
    for (const failure of result.failures) console.log(`  ${failure.deviceId} seq ${failure.seq} ${failure.code}: ${failure.reason}`);
    throw new Error(`${failing} (${result.failureCount} records): ${outcome}`);
  }
}

/** The copy's progress on stderr, one line rewritten: a backup's, or a restore's copy beside the database. */
function showCopying({ totalPages, remainingPages }: BackupProgress): void {
  process.stderr.write(`\r  copying pages: ${totalPages - remainingPages}/${totalPages}`);
}

function usage(message: string): never {
  console.error(`${message}\n\n${HELP}`);
  process.exit(2);
}

const [command, ...rest] = positionals;
if (rest.length > 0) usage(`unexpected ${rest.join(' ')}`);
const db = path.resolve(values.db);
try {
  if (command === 'backup') {
    if (!values.to) usage('backup wants --to FILE');
    const to = path.resolve(values.to);
    const done = await backupSqlite(db, to, showCopying);
    console.error('');
    console.log(`backup written: ${to} (${done.totalPages} pages)`);
  } else if (command === 'restore') {
    if (!values.from) usage('restore wants --from FILE');
    const from = path.resolve(values.from);
    await restoreSqlite(
      from,
      db,
      async (candidate) => {
        console.error('');
        const store = openSqliteStore(candidate);
        try {
          await recheckOrFail(store, devicesWithOutcomes(candidate), 'the backup fails the integrity re-check', 'not restored');
        } finally {
          await store.close();
        }
      },
      showCopying,
    );
    console.log(`restored: ${from} → ${db}`);
  } else if (command === 'verify') {
    const url = process.env.DATABASE_URL;
    // Verify reads what a restore wrote: an empty database is not made an intake's by looking at it.
    if (url && !(await pgHasIntakeSchema(url))) throw new Error('the database holds no intake schema (no schema_migrations): is this the restored database, and did the restore finish?');
    const store = url ? await openPostgresStore(url) : openSqliteStore(db);
    try {
      await recheckOrFail(store, url ? await pgDevicesWithOutcomes(url) : devicesWithOutcomes(db), 'the database fails the integrity re-check', 'see above');
    } finally {
      await store.close();
    }
    console.log(`verified: ${url ? 'the PostgreSQL database' : db}`);
  } else {
    usage(command ? `unknown command ${command}: backup, restore or verify` : 'backup, restore or verify?');
  }
} catch (error) {
  console.error(`intake backup: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
