/**
 * The intake on a file database in a process of its own, for intake/routes/phoneKill.test.ts to
 * SIGKILL while it stores a phone rating: a temporary trigger (on this connection only, the file's
 * schema untouched) stops the process inside the storing transaction at the first row written to
 * PHONE_KILL_PAUSE_ON (followups, tickets or forward_queue) for the phone rating, after printing "mid-write"; then it posts the form of
 * the case-bound link PHONE_KILL_TOKEN for case PHONE_KILL_CASE, as the citizen's phone would.
 */
import { writeSync } from 'node:fs';
import { startIntake } from '../server';

const table = process.env.PHONE_KILL_PAUSE_ON!;
if (!/^[a-z_]+$/.test(table)) throw new Error(`phoneKillChild: not a table name: ${table}`);
const intake = await startIntake({ dbFile: process.env.PHONE_KILL_DB!, port: 0, corsOrigins: [], log: () => undefined, publicUrl: 'https://hall.example.gov.cn' });
const blocker = new Int32Array(new SharedArrayBuffer(4));
intake.db.function('pause_mid_write', () => {
  writeSync(1, 'mid-write\n');
  // Holds the process inside the transaction, synchronously, until it is killed.
  for (;;) Atomics.wait(blocker, 0, 0, 60_000);
});
intake.db.exec(`CREATE TEMP TRIGGER pause_mid_write AFTER INSERT ON main.${table} WHEN NEW.outcome_id IN (SELECT id FROM main.phone_ratings) BEGIN SELECT pause_mid_write(); END;`);
const token = process.env.PHONE_KILL_TOKEN!;
const payload = new URLSearchParams({ token, case: process.env.PHONE_KILL_CASE!, level: '1', tags: '109', callback: 'on', phone: '13800138000' }).toString();
writeSync(1, 'posting\n');
const answer = await intake.app.inject({ method: 'POST', url: `/r/${token}`, payload, headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' } });
// Reached only when the trigger never fired: the test fails on this line.
writeSync(1, `answered ${answer.statusCode}\n`);
await intake.close();
