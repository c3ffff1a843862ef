import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function run(script: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Each npm script a hall's IT staff type, and the file it runs. */
const CLIS = [
  ['npm run intake', 'intake/main.ts'],
  ['npm run host', 'host/main.ts'],
  ['npm run provision', 'scripts/provision.ts'],
  ['npm run pin-hash', 'scripts/pinHash.ts'],
  ['npm run case-event', 'scripts/send-case-event.ts'],
  ['npm run intake:backup / intake:restore', 'intake/backupMain.ts'],
  ['npm run device-sim', 'scripts/deviceSimulator.ts'],
  ['npm run mock-province', 'scripts/mockProvince.ts'],
  ['npm run bench', 'scripts/bench.ts'],
] as const;

// Issue 21: `npm run intake -- --help` crashed, and `npm run provision -- --help` still did.
describe('every command line', { timeout: 60_000 }, () => {
  it.each(CLIS)('%s answers --help with its options, and refuses an unknown option with that help (exit 2)', async (_name, script) => {
    const [help, unknown] = await Promise.all([run(script, '--help'), run(script, '--no-such-option')]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--help|-h\/--help/);
    expect(help.stdout.split('\n').length).toBeGreaterThan(4);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("'--no-such-option'");
    // The help again, and no stack trace.
    expect(unknown.stderr).toContain(help.stdout.trim().split('\n')[0]!);
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
  });

  it('npm start answers --help (every other option goes to the host)', async () => {
    const help = await run('scripts/start.ts', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('npm run host -- --help');
  });

  it('the host takes no secret as an argument: an enrolment token comes from its environment', async () => {
    const help = await run('host/main.ts', '--help');
    expect(help.stdout).toContain('HOST_ENROLMENT_TOKEN');
    expect((await run('host/main.ts', '--enrolment-token', 'x'.repeat(32))).code).toBe(2);
  });
});
