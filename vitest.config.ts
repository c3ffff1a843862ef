import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'web/**/*.test.{ts,tsx}', 'host/**/*.test.ts', 'contract/**/*.test.ts', 'scripts/**/*.test.ts', 'intake/**/*.test.ts', 'electron/**/*.test.ts', 'shared-node/**/*.test.ts', 'integration/**/*.test.ts', 'lint/**/*.test.ts'],
    environment: 'node',
    // serialport's native poller crashes when a worker thread exits: run test files in processes.
    pool: 'forks',
    // Vitest's default is one file at a time on a 2-core machine (cores - 1). Many files here wait
    // (child processes, sockets, timers) more than they compute, so two at a time. On the shared
    // 2-core machine, back to back: scripts/ + lint/ + host/ 144 s -> 119 s (the most CPU-bound
    // files); host/ + integration/ + lint/ + scripts/ 9.3 min -> 5.3 min (under uneven load).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // One throwaway PostgreSQL cluster for the run (the PostgreSQL store tests make a database each).
    globalSetup: ['scripts/pgTestSetup.ts'],
  },
});
