import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startIntake, type RunningIntake } from '../server';
import { enrolledIntake, item, upload } from '../testing/intakeHarness';
import { chain } from '../testing/signedOutcomes';
import { signedPost } from '../testing/signedRequests';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PUBLIC_URL = 'https://hall.example.gov.cn';
const running: RunningIntake[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((i) => i.close()));
});

/** A hall forwarding to fujian, a PAD unrated ending stored, and the case link the PAD asked for. */
async function preparedHall() {
  const dbFile = path.join(mkdtempSync(path.join(tmpdir(), 'phone-kill-')), 'intake.sqlite');
  const { intake, key } = await enrolledIntake([], undefined, { dbFile, publicUrl: PUBLIC_URL });
  await intake.store.forwarding.setDestinations([{ name: 'fujian', hallCode: 'h1' }]);
  const [unrated] = chain([item(5, { outcome: 'unrated', level: undefined, tags: [], input: { method: 'none', inviteToPressMs: null } })], key.privateKey);
  await upload(intake, key, [unrated]);
  const asked = await signedPost(intake, { deviceId: 'dev-1', privateKey: key.privateKey }, '/v1/devices/dev-1/case-links', {
    invitationId: unrated!.invitationId,
    event: unrated!.event,
    case: unrated!.case,
    staff: { loginName: 'li4', name: '李四' },
    window: { hallCode: 'h1', windowNo: 'A01', windowName: '一号窗口' },
  });
  expect(asked.statusCode).toBe(201);
  await intake.close();
  return { dbFile, token: new URL(asked.json().url as string).pathname.slice('/r/'.length), projectNo: unrated!.case.projectNo, endingId: unrated!.id };
}

/** What the file holds of the phone rating and what it sets off. */
function heldOf(dbFile: string) {
  const db = new Database(dbFile, { readonly: true });
  try {
    const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      phoneRatings: n('SELECT count(*) AS n FROM phone_ratings'),
      followups: n('SELECT count(*) AS n FROM followups f JOIN phone_ratings p ON p.id = f.outcome_id'),
      tickets: n('SELECT count(*) AS n FROM tickets t JOIN phone_ratings p ON p.id = t.outcome_id'),
      ticketLog: n('SELECT count(*) AS n FROM ticket_actions a JOIN phone_ratings p ON p.id = a.ticket_id'),
      queued: n('SELECT count(*) AS n FROM forward_queue q JOIN phone_ratings p ON p.id = q.outcome_id'),
      linkUsed: n('SELECT count(*) AS n FROM case_links WHERE used_at IS NOT NULL'),
      endingRefused: n("SELECT count(*) AS n FROM forward_queue WHERE state = 'refused'"),
      counted: n("SELECT coalesce(sum(l1), 0) AS n FROM dashboard_daily WHERE dim = 'hall'"),
    };
  } finally {
    db.close();
  }
}

const NONE = { phoneRatings: 0, followups: 0, tickets: 0, ticketLog: 0, queued: 0, linkUsed: 0, endingRefused: 0, counted: 0 };
const WHOLE = { phoneRatings: 1, followups: 1, tickets: 1, ticketLog: 1, queued: 1, linkUsed: 1, endingRefused: 1, counted: 1 };

// Issue 24: the phone rating, its follow-up and ticket, its forwarding record and the link's use are one transaction.
describe('the intake killed (SIGKILL) while it stores a phone 差评', () => {
  for (const pauseOn of ['tickets', 'forward_queue'] as const) {
    it(`killed after writing to ${pauseOn}: nothing of the rating is left, the link still rates, then all of it is there`, { timeout: 60_000 }, async () => {
      const hall = await preparedHall();
      const child = spawn(process.execPath, ['--import', 'tsx', 'intake/testing/phoneKillChild.ts'], {
        cwd: ROOT,
        env: { ...process.env, PHONE_KILL_DB: hall.dbFile, PHONE_KILL_TOKEN: hall.token, PHONE_KILL_CASE: hall.projectNo, PHONE_KILL_PAUSE_ON: pauseOn },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('mid-write')) resolve();
        });
        child.once('exit', () => reject(new Error(`the child ended before the pause: ${out}`)));
      });
      child.kill('SIGKILL');
      await once(child, 'exit');
      expect(out).not.toContain('answered');

      expect(heldOf(hall.dbFile)).toEqual(NONE);

      const intake = await startIntake({ dbFile: hall.dbFile, port: 0, corsOrigins: [], log: () => undefined, publicUrl: PUBLIC_URL });
      running.push(intake);
      expect((await intake.app.inject({ method: 'GET', url: `/r/${hall.token}` })).statusCode).toBe(200);
      const posted = await intake.app.inject({
        method: 'POST',
        url: `/r/${hall.token}`,
        payload: new URLSearchParams({ token: hall.token, case: hall.projectNo, level: '1', tags: '109' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      });
      expect(posted.statusCode).toBe(303);
      await intake.close();
      running.splice(0);
      expect(heldOf(hall.dbFile)).toEqual(WHOLE);
    });
  }
});
