import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

export interface RotatingLogOptions {
  dir: string;
  name?: string;
  maxBytes?: number;
  keep?: number;
  now?: () => Date;
}

/**
 * An append-only log file that rotates by size (host.log → host.log.1 … host.log.N). Callers log
 * events and counts only; case data, names and phone numbers never go through it.
 */
export function createRotatingLog({ dir, name = 'host.log', maxBytes = 1024 * 1024, keep = 5, now = () => new Date() }: RotatingLogOptions) {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  const rotate = () => {
    rmSync(`${file}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`);
    renameSync(file, `${file}.1`);
  };
  return (message: string): void => {
    const line = `${now().toISOString()} ${message.replace(/[\r\n]+/g, ' ')}\n`;
    if (existsSync(file) && statSync(file).size + Buffer.byteLength(line) > maxBytes) rotate();
    appendFileSync(file, line);
  };
}
