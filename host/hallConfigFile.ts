import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseHallConfig, type HallConfig } from '../contract/hallConfig';

export class HallConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads and validates a hall config; every problem is reported with its path. */
export function readHallConfig(file: string): HallConfig {
  return readHallConfigText(file).hall;
}

/** The config and the exact text it was read from (what last-good keeps). With a deviceId, a config without that device is a problem too. */
function readHallConfigText(file: string, deviceId?: string): { hall: HallConfig; text: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HallConfigError(file, [error instanceof Error ? error.message : String(error)]);
  }
  const parsed = parseHallConfig(text);
  if (!parsed.ok) throw new HallConfigError(file, parsed.problems);
  if (deviceId !== undefined && !parsed.hall.devices.some((d) => d.id === deviceId)) {
    throw new HallConfigError(file, [`devices: no device "${deviceId}" in this config (this window PC runs it)`]);
  }
  return { hall: parsed.hall, text };
}

/** Writes whole or not at all: a power cut mid-write leaves the old last-good, never half a file. */
function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomUUID()}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, file);
}

export const lastGoodFile = (dataDir: string) => path.join(dataDir, 'last-good-hall.json');

export interface StartedOnConfig<T> {
  started: T;
  hall: HallConfig;
  /** Set when the given file was bad, or did not start, and the last good copy was used instead. */
  fellBackBecause?: Error;
}

/**
 * Starts on the hall config, proving it before it becomes the last good copy: the given file is
 * read (and must name deviceId, when given), `start` runs on it, and only once that succeeded is
 * it written as last-good. A file that is invalid, lacks this device, or does not start falls back
 * to the last good copy (started the same way); with none, the first error is thrown.
 */
export async function startOnHallConfig<T>(
  file: string,
  dataDir: string,
  deviceId: string | undefined,
  start: (hall: HallConfig) => Promise<T>,
  log: (message: string) => void = () => undefined,
): Promise<StartedOnConfig<T>> {
  let failure: Error;
  try {
    const { hall, text } = readHallConfigText(file, deviceId);
    try {
      const started = await start(hall);
      writeAtomically(lastGoodFile(dataDir), text);
      return { started, hall };
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      log(`hall config ${file} did not start: ${failure.message}`);
    }
  } catch (error) {
    if (!(error instanceof HallConfigError)) throw error;
    failure = error;
  }
  let lastGood: HallConfig;
  try {
    lastGood = readHallConfigText(lastGoodFile(dataDir), deviceId).hall;
  } catch {
    throw failure;
  }
  log(`using the last good hall config, because\n${failure.message}`);
  return { started: await start(lastGood), hall: lastGood, fellBackBecause: failure };
}
