import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHallConfig } from '../host/hallConfigFile';
import { startIntake, type RunningIntake } from '../intake/server';

const hall = readHallConfig('kiosk-config/xihu-hall.json');
const pad = hall.devices.find((d) => d.id === 'xihu-pad-01')!;
let intake: RunningIntake;
beforeAll(async () => {
  intake = await startIntake({
    dbFile: path.join(mkdtempSync(path.join(tmpdir(), 'case-event-')), 'i.sqlite'),
    port: 0,
    corsOrigins: [],
    caseEventTokens: { [pad.id]: pad.caseEventToken! },
    log: () => undefined,
  });
});
afterAll(() => intake.close());

/** The script as its own process; not spawnSync, which would stop this process's intake from answering. */
const run = (args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/send-case-event.ts', ...args], { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });

// Issue 21: the window business system had no documented way to make a host-less PAD pop up.
describe('npm run case-event', () => {
  it('posts a case event to the intake for a host-less tablet, with the device token from the hall config', async () => {
    const sent = await run(['--intake', intake.origin, '--config', 'kiosk-config/xihu-hall.json', '--device', pad.id, '--project', 'P20261130-X1']);
    expect(sent.stdout).toMatch(/^202 /);
    expect(sent.status).toBe(0);
    const stored = intake.db.prepare('SELECT device_id, body FROM invitations').all() as Array<{ device_id: string; body: string }>;
    expect(stored.map((r) => r.device_id)).toEqual([pad.id]);
    expect(stored[0]!.body).toContain('P20261130-X1');
  }, 120_000);

  it('answers --help, refuses an unknown option, and says so when the token is wrong', async () => {
    expect((await run(['--help'])).stdout).toContain('--intake');
    const unknown = await run(['--bogus']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--bogus'");
    const refused = await run(['--intake', intake.origin, '--config', 'kiosk-config/xihu-hall.json', '--device', pad.id, '--token', 'not-the-token-of-this-device-00000']);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toMatch(/^401 /);
  }, 120_000);
});
