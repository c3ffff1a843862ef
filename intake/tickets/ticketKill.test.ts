import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite/sqliteStore';
import { verifyTicketLog } from './ticketLog';
import type { Ticket } from './ticketMachine';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TICKETS = 300;

/** Runs the acting child (intake/testing/ticketActChild.ts) until `killAfterMs` past its first step (then SIGKILL), or to its end. */
function runChild(dbFile: string, killAfterMs: number | null): Promise<{ finished: boolean }> {
  // One process (tsx as a loader, not its CLI, which would fork a child that SIGKILL misses).
  const child = spawn(process.execPath, ['--import', 'tsx', 'intake/testing/ticketActChild.ts'], {
    cwd: ROOT,
    env: { ...process.env, TICKET_CHILD_DB: dbFile, TICKET_CHILD_TICKETS: String(TICKETS) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let finished = false;
  child.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    if (text.includes('done')) finished = true;
    if (killAfterMs !== null && text.includes('acting')) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  });
  return new Promise((resolve) => child.once('exit', () => resolve({ finished })));
}

/** Every ticket's row agrees with its log: one entry per version, each following the one before, the last one's state stored. */
async function checkAllOrNothing(dbFile: string) {
  const store = openSqliteStore(dbFile);
  try {
    expect(await verifyTicketLog(store.tickets)).toMatchObject({ ok: true });
    const stages: string[] = [];
    for (let i = 0; i < TICKETS; i++) {
      const row = await store.tickets.find(`12345-K-${i}`);
      if (!row) continue;
      const actions = await store.tickets.actionsOf(row.id);
      expect(actions).toHaveLength(row.version);
      actions.forEach((action, n) => expect(action.before).toBe(n === 0 ? null : actions[n - 1]!.after));
      expect(actions[actions.length - 1]!.after).toBe(row.state);
      expect((JSON.parse(row.state) as Ticket).stage).toBe(row.stage);
      stages.push(row.stage);
    }
    return stages;
  } finally {
    await store.close();
  }
}

describe('a work-queue action killed with SIGKILL midway', () => {
  it('leaves the action, its log entry and the new ticket state all together, or none of them, and the work goes on after a restart', { timeout: 180_000 }, async () => {
    const dbFile = path.join(mkdtempSync(path.join(tmpdir(), 'ticket-kill-')), 'i.sqlite');
    const stagesAtKills: string[][] = [];
    // Kills at moments spread over the work: each is likely to land inside an action.
    for (const killAfterMs of [20, 35, 50, 65, 80, 95, 110, 125, 140, 155, 170, 185, 200, 215, 230, 245]) {
      await runChild(dbFile, killAfterMs);
      const stages = await checkAllOrNothing(dbFile);
      // On an idle machine the last runs may finish their work before the kill comes (and a kill
      // may land after the last action but before the child says "done"): what counts is whether
      // work was left, as the database says.
      if (stages.some((stage) => stage !== 'closed')) stagesAtKills.push(stages);
    }
    // Most runs were killed while work was still to do, and the work moved between kills.
    expect(stagesAtKills.length).toBeGreaterThanOrEqual(8);
    expect(new Set(stagesAtKills.map((s) => s.join())).size).toBeGreaterThan(1);

    expect(await runChild(dbFile, null)).toEqual({ finished: true });
    const stages = await checkAllOrNothing(dbFile);
    expect(stages).toEqual(Array(TICKETS).fill('closed'));
    // Every ticket went through the loop once: opening + 7 steps.
    const store = openSqliteStore(dbFile);
    try {
      expect(await verifyTicketLog(store.tickets)).toEqual({ ok: true, checked: TICKETS * 8 });
    } finally {
      await store.close();
    }
  });
});
