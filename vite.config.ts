import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build, defineConfig, type InlineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/** The page's version for its heartbeats (src/sync/heartbeat.ts): package version + build id (BUILD_ID, else the git commit). */
function appVersion(): string {
  const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };
  let id = process.env.BUILD_ID;
  try {
    id ||= execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // Not a git checkout: the version alone.
  }
  return (id ? `${version}+${id}` : version).slice(0, 64);
}

const BUILD = { outDir: 'dist', sourcemap: true, target: 'es2022' } as const;

// The renderer's zod without its eval probe: under the CSP every start would log a violation.
const RESOLVE = { alias: [{ find: /^zod$/, replacement: fileURLToPath(new URL('./src/lib/zodWithoutEval.ts', import.meta.url)) }] };

/** The hall dashboard / public display web app: the intake's pages, not the PAD's (web/dashboard/). */
const DASHBOARD_ROOT = fileURLToPath(new URL('./web/dashboard/', import.meta.url));

/**
 * The hall dashboard / public display page (web/dashboard/dashboard.html, served by the intake as
 * dist/dashboard.html) is built in a second, separate build into the same dist/: built together,
 * the bundler would move React into a chunk shared with the kiosk, and the kiosk's initial JS
 * would grow by the split. One `vite build` still builds both. Its root is its own folder, so its
 * page lands at dist/dashboard.html; it shares only the zod alias (build config, not an import).
 */
function dashboardPage(): Plugin {
  let outDir: string = BUILD.outDir;
  const config = (): InlineConfig => ({
    configFile: false,
    root: DASHBOARD_ROOT,
    // The kiosk's public/ (icons, sounds, manifest) is the evaluator's, already copied by its build.
    publicDir: false,
    plugins: [react()],
    resolve: RESOLVE,
    logLevel: 'warn',
    build: {
      ...BUILD,
      outDir,
      emptyOutDir: false,
      // Prefixed, so the evaluator's service worker can leave every dashboard file out.
      rolldownOptions: { input: { dashboard: path.join(DASHBOARD_ROOT, 'dashboard.html') }, output: { entryFileNames: 'assets/dashboard-[name]-[hash].js', chunkFileNames: 'assets/dashboard-[name]-[hash].js', assetFileNames: 'assets/dashboard-[name]-[hash][extname]' } },
    },
  });
  return {
    name: 'dashboard-page',
    apply: 'build',
    // Absolute: the dashboard build's root is its own folder, not the repo's.
    configResolved: (resolved) => void (outDir = path.resolve(resolved.root, resolved.build.outDir)),
    closeBundle: async () => void (await build(config())),
  };
}

/**
 * version.json beside index.html: the entry script and style sheets this build's index.html names
 * (absolute paths, as the page reads them from its own document). A page the host serves without
 * a service worker fetches it now and then and reloads into a new build between citizens
 * (src/pwa/updateAtIdle.ts). Never precached (not in the service worker's globPatterns).
 */
function buildVersion(): Plugin {
  const attribute = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  return {
    name: 'build-version',
    apply: 'build',
    // After index.html is written into the bundle.
    enforce: 'post',
    generateBundle(_options, bundle) {
      const html = bundle['index.html'];
      if (html?.type !== 'asset') return this.error('build-version: no index.html in the bundle');
      const text = typeof html.source === 'string' ? html.source : new TextDecoder().decode(html.source);
      const pathOf = (url: string) => new URL(url, 'http://page/').pathname;
      const entry = [...text.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]).find((tag) => attribute(tag, 'type') === 'module' && attribute(tag, 'src'));
      if (!entry) return this.error('build-version: index.html names no module script');
      const styles = [...text.matchAll(/<link\b[^>]*>/g)].map((m) => m[0]).filter((tag) => attribute(tag, 'rel') === 'stylesheet').map((tag) => pathOf(attribute(tag, 'href') ?? ''));
      const version = { entry: pathOf(attribute(entry, 'src') ?? ''), styles: styles.sort() };
      this.emitFile({ type: 'asset', fileName: 'version.json', source: `${JSON.stringify(version)}\n` });
    },
  };
}

export default defineConfig({
  plugins: [
    react(),
    // Tablet mode: the built app is precached by a Workbox service worker, so a PAD that has
    // opened it once starts offline. Registered by src/pwa/registerServiceWorker.ts.
    // A new version never takes over a page by itself: its worker installs and waits (no
    // skipWaiting), and the page tells it to take over and reloads only on the idle screen with
    // nothing queued (src/pwa/updateAtIdle.ts, via the SKIP_WAITING message the generated worker
    // listens for). Until then the old worker serves the old build's chunks to the open page.
    VitePWA({
      injectRegister: false,
      registerType: 'prompt',
      manifest: {
        name: '政务服务好差评',
        short_name: '好差评',
        description: 'Offline-first 好差评 evaluator for government service windows',
        lang: 'zh-CN',
        start_url: '/',
        scope: '/',
        display: 'fullscreen',
        orientation: 'landscape',
        theme_color: '#0b4f9c',
        background_color: '#f3f6fa',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,wav,webmanifest}'],
        // The dashboard page is the intake's, not the evaluator's: never precached on a PAD.
        globIgnores: ['dashboard.html', 'assets/dashboard-*'],
        navigateFallback: 'index.html',
        // The host's and intake's APIs are never answered from the cache.
        navigateFallbackDenylist: [/^\/api\//, /^\/bridge/, /^\/launch/, /^\/v1\//],
        cleanupOutdatedCaches: true,
        // Claims only the page of the very first install (the same build it was loaded from): an
        // update's worker activates, and so claims, only when the page asks it to at idle.
        clientsClaim: true,
      },
    }),
    buildVersion(),
    dashboardPage(),
  ],
  resolve: RESOLVE,
  define: { __APP_VERSION__: JSON.stringify(appVersion()) },
  // The dashboard page's whole build runs inside closeBundle; without this the bundler reports
  // it as a slow plugin on every build.
  build: { ...BUILD, rolldownOptions: { checks: { bundlerTimings: false } } },
  server: { host: '127.0.0.1' },
});
