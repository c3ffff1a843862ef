import path from 'node:path';

/** What scripts/benchPageSeeder.ts puts on the page's globalThis once its bundle is evaluated. */
export interface Seeder {
  benchSeeder: {
    seedOutbox(count: number, firstIndex?: number): Promise<number>;
    sendOneByOne(count: number, intakeUrl: string): Promise<number>;
  };
}

/** scripts/benchPageSeeder.ts bundled for the page: the app's own chaining and signing code. */
export async function seederSource(): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({ entryPoints: [path.join(import.meta.dirname, 'benchPageSeeder.ts')], bundle: true, format: 'iife', platform: 'browser', target: 'chrome120', write: false, logLevel: 'warning' });
  return result.outputFiles[0]!.text;
}
