import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'web/**/*.test.{ts,tsx}', 'host/**/*.test.ts', 'contract/**/*.test.ts', 'scripts/**/*.test.ts', 'intake/**/*.test.ts', 'electron/**/*.test.ts', 'shared-node/**/*.test.ts', 'integration/**/*.test.ts', 'lint/**/*.test.ts'],
    environment: 'node',
    // serialport's native poller crashes when a worker thread exits: run test files in processes.
    pool: 'forks',
    // One throwaway PostgreSQL cluster for the run (the PostgreSQL store tests make a database each).
    globalSetup: ['scripts/pgTestSetup.ts'],
  },
});
