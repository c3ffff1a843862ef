import path from 'node:path';
import { parseCommandLine } from '../shared-node/commandLine';
import { recheckAll } from './integrity/recheckAll';
import { backupSqlite, devicesWithOutcomes, restoreSqlite } from './store/sqlite/backup';
import { openSqliteStore } from './store/sqlite/sqliteStore';

const HELP = `Usage: npm run intake:backup -- --db FILE --to FILE
       npm run intake:restore -- --from FILE --db FILE

Backs up the intake's SQLite database while the intake runs (one consistent snapshot, owner-only,
never over an existing file), or restores a backup: SQLite's structure check and the intake's
integrity re-check of every device's stored ratings (content, signature, chain links) run on a
copy first, and the copy becomes the database only if both pass. A restore never replaces an
existing database: stop the intake and move the old file (and its -wal) aside first.
PostgreSQL deployments use pg_dump / pg_restore (docs/deployment.md).

Options:
  --db FILE     the intake's database (default .data/intake.sqlite)
  --to FILE     backup: where the backup goes
  --from FILE   restore: the backup to restore
  -h, --help    this text`;

const { values, positionals } = parseCommandLine(HELP, {
  options: { db: { type: 'string', default: '.data/intake.sqlite' }, to: { type: 'string' }, from: { type: 'string' } },
  allowPositionals: true,
});

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
    const done = await backupSqlite(db, to, ({ totalPages, remainingPages }) => {
      process.stderr.write(`\r  copying pages: ${totalPages - remainingPages}/${totalPages}`);
    });
    console.error('');
    console.log(`backup written: ${to} (${done.totalPages} pages)`);
  } else if (command === 'restore') {
    if (!values.from) usage('restore wants --from FILE');
    const from = path.resolve(values.from);
    await restoreSqlite(from, db, async (candidate) => {
      const deviceIds = devicesWithOutcomes(candidate);
      const store = openSqliteStore(candidate);
      try {
        const result = await recheckAll(store, deviceIds, (done) => process.stderr.write(`\r  re-checking devices: ${done}/${deviceIds.length}`));
        console.error('');
        console.log(`re-checked ${result.checked} stored records of ${result.devices} devices: ${result.verified} verified, ${result.unverifiable} from before key history (content and links hold), ${result.failureCount} failed`);
        if (result.failureCount > 0) {
          for (const failure of result.failures) console.log(`  ${failure.deviceId} seq ${failure.seq} ${failure.code}: ${failure.reason}`);
          throw new Error(`the backup fails the integrity re-check (${result.failureCount} records): not restored`);
        }
      } finally {
        await store.close();
      }
    });
    console.log(`restored: ${from} → ${db}`);
  } else {
    usage(command ? `unknown command ${command}: backup or restore` : 'backup or restore?');
  }
} catch (error) {
  console.error(`intake backup: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
