import type { TestProject } from 'vitest/node';
import { startPgCluster } from './pgCluster';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's PostgreSQL cluster, or why it could not start (a PostgreSQL test then fails with it). */
    pgCluster: { url: string } | { error: string };
  }
}

/** Vitest globalSetup: one throwaway PostgreSQL cluster serves the whole run; each test file makes its own database in it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  try {
    const cluster = await startPgCluster();
    project.provide('pgCluster', { url: cluster.url });
    return () => cluster.stop();
  } catch (error) {
    // Runs without PostgreSQL tests must not fail for it; the PostgreSQL tests themselves fail with this.
    project.provide('pgCluster', { error: (error as Error).message });
    return async () => undefined;
  }
}
