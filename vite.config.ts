import react from '@vitejs/plugin-react';
import { build, defineConfig, type InlineConfig, type Plugin } from 'vite';

const BUILD = { outDir: 'dist', sourcemap: true, target: 'es2022' } as const;

/**
 * The hall dashboard / public display page (dashboard.html, served by the intake) is built in a
 * second, separate build into the same dist/: built together, the bundler would move React into
 * a chunk shared with the kiosk, and the kiosk's initial JS would grow by the split. One
 * `vite build` still builds both.
 */
function dashboardPage(): Plugin {
  let outDir: string = BUILD.outDir;
  const config = (): InlineConfig => ({
    configFile: false,
    plugins: [react()],
    logLevel: 'warn',
    build: { ...BUILD, outDir, emptyOutDir: false, rolldownOptions: { input: { dashboard: 'dashboard.html' } } },
  });
  return {
    name: 'dashboard-page',
    apply: 'build',
    configResolved: (resolved) => void (outDir = resolved.build.outDir),
    closeBundle: async () => void (await build(config())),
  };
}

export default defineConfig({
  plugins: [react(), dashboardPage()],
  // The dashboard page's whole build runs inside closeBundle; without this the bundler reports
  // it as a slow plugin on every build.
  build: { ...BUILD, rolldownOptions: { checks: { bundlerTimings: false } } },
  server: { host: '127.0.0.1' },
});
