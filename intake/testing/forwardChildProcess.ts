import { spawn, type ChildProcess } from 'node:child_process';

export interface ForwardChild {
  child: ChildProcess;
  /** Its stdout lines so far ("pass N", "done"). */
  lines: string[];
  /** Resolves once it has printed `text`. */
  reached(text: string): Promise<void>;
}

/**
 * The intake's forwarder as a process of its own (testing/forwardChild.ts) on a database file, for
 * tests that SIGKILL it mid-forward and start it again (forwarding/faultSuite.test.ts,
 * forwarding/ticketState.test.ts). `env` points it at the mock (FORWARD_*); `clock` is its queue's
 * time at start. `cleanups` gets the kill of a child still running at the test's end.
 */
export function startForwardChild(file: string, env: Record<string, string>, clock: number, cleanups: Array<() => void>): ForwardChild {
  const child = spawn(process.execPath, ['--import', 'tsx', 'intake/testing/forwardChild.ts'], {
    env: { ...process.env, ...env, FORWARD_CHILD_DB: file, FORWARD_CHILD_CLOCK_MS: String(clock) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters: Array<{ text: string; resolve(): void }> = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n').filter((l) => l !== '')) {
      lines.push(line);
      for (const w of waiters.filter((w) => w.text === line)) w.resolve();
    }
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, lines, reached: (text) => (lines.includes(text) ? Promise.resolve() : new Promise((resolve) => waiters.push({ text, resolve }))) };
}
