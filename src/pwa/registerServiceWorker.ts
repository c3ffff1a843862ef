/**
 * Registers the Workbox service worker that precaches the built app (vite.config.ts), so a
 * tablet that opened the evaluator once starts it offline. Not in development (no build to cache).
 * A new worker installs and waits; src/pwa/updateAtIdle.ts lets it take over between citizens.
 */
export function registerServiceWorker(nav: Navigator, isProduction: boolean): void {
  if (!isProduction || !('serviceWorker' in nav)) return;
  nav.serviceWorker.register('/sw.js', { scope: '/' }).catch((error: unknown) => {
    // The app runs without it; only offline start is lost.
    console.warn(`service worker not registered: ${error instanceof Error ? error.message : String(error)}`);
  });
}
