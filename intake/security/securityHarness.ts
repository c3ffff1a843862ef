import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startIntake, type IntakeOptions, type RunningIntake } from '../server';

/** Bearer tokens long enough for the intake to accept them at start. */
export const ADMIN = 'security-suite-admin-token-0123456789';
export const CASE_TOKEN = 'security-suite-case-event-token-0123456789';

const running: RunningIntake[] = [];

/** An intake on a fresh SQLite file; closed by `closeAll` (call it in afterEach). */
export async function bootIntake(extra: Partial<IntakeOptions> = {}): Promise<RunningIntake> {
  const intake = await startIntake({
    dbFile: path.join(mkdtempSync(path.join(tmpdir(), 'security-')), 'i.sqlite'),
    port: 0,
    corsOrigins: [],
    adminToken: ADMIN,
    log: () => undefined,
    ...extra,
  });
  running.push(intake);
  return intake;
}

export async function closeAll(): Promise<void> {
  await Promise.all(running.splice(0).map((intake) => intake.close()));
}
