import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface PtyPair {
  /** The host side (the driver opens this one). */
  hostPath: string;
  /** The device side (the simulator opens this one). */
  devicePath: string;
  /** Pulls the cable: socat exits and both pseudo-terminals vanish. */
  unplug(): Promise<void>;
  /** Plugs it back in under the same names. */
  replug(): Promise<void>;
}

/** A real pseudo-terminal pair made by socat: a serial cable on one machine. */
export async function createPtyPair(dir = mkdtempSync(path.join(tmpdir(), 'pty-'))): Promise<PtyPair> {
  const hostPath = path.join(dir, 'host');
  const devicePath = path.join(dir, 'device');
  let child: ChildProcess | null = null;

  async function plug(): Promise<void> {
    child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${hostPath}`, `pty,raw,echo=0,link=${devicePath}`], { stdio: 'ignore' });
    for (let i = 0; i < 200; i++) {
      if (existsSync(hostPath) && existsSync(devicePath)) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('socat did not create the pty pair (is socat installed?)');
  }

  await plug();
  return {
    hostPath,
    devicePath,
    async unplug() {
      const running = child;
      if (!running) return;
      child = null;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGTERM');
      await exited;
    },
    replug: plug,
  };
}
