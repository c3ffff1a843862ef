import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
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
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HallConfigError(file, [error instanceof Error ? error.message : String(error)]);
  }
  const parsed = parseHallConfig(text);
  if (!parsed.ok) throw new HallConfigError(file, parsed.problems);
  return parsed.hall;
}

export interface LoadedHallConfig {
  hall: HallConfig;
  /** Set when the given file was bad and the last good copy was used instead. */
  fellBackBecause?: HallConfigError;
}

/**
 * Loads the hall config, keeping a copy of the last one that validated. A corrupt or invalid
 * file never takes a working device down: the last good copy is used and the problems reported.
 */
export function loadHallConfigKeepingLastGood(file: string, dataDir: string): LoadedHallConfig {
  const lastGood = path.join(dataDir, 'last-good-hall.json');
  try {
    const hall = readHallConfig(file);
    mkdirSync(dataDir, { recursive: true });
    copyFileSync(file, lastGood);
    return { hall };
  } catch (error) {
    if (!(error instanceof HallConfigError)) throw error;
    try {
      return { hall: readHallConfig(lastGood), fellBackBecause: error };
    } catch {
      throw error;
    }
  }
}
