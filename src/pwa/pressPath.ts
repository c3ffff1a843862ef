/**
 * Every module a press needs on its way to IndexedDB that is not in the first screen's bundle
 * (kept out of it for the initial JS budget). main.tsx starts loading them right after the first
 * paint, so they are in memory before a citizen presses: a new build deployed meanwhile, whose
 * host (or activated service worker) no longer has this build's chunks, cannot keep a press or
 * its details from being recorded. Once loaded, the lazy `import()`s on that path resolve from
 * the page's module map without a request. vite.config.ts precaches the same chunks for tablets.
 *
 * The lazy imports this covers, and where they are called on the press → durable path:
 * - contract/outcome: src/data/outbox.ts (`loadSchema`, awaited in `attempt` before the write)
 * - contract/hallConfig: src/flow/flowStore.ts (default policies before a device context is
 *   known) and src/data/deviceContext.ts (the stored context, read by `restore`)
 * - libsodium-wrappers: src/integrity/sealPhone.ts (a 差评's callback phone is sealed before its
 *   details are written)
 */
let loading: Promise<void> | null = null;

/** Loads (once) every module on the press → durable path; call sites may await it. */
export function preloadPressPath(): Promise<void> {
  if (loading) return loading;
  const started = Promise.all([
    import('../../contract/outcome'),
    import('../../contract/hallConfig'),
    // Also compiled now, so the first callback is sealed without the libsodium start-up on its path.
    import('libsodium-wrappers').then(({ default: sodium }) => sodium.ready),
  ]).then(() => undefined);
  loading = started;
  // A failed load may be tried again (by a later call); the caller learns of this one.
  started.catch(() => {
    if (loading === started) loading = null;
  });
  return started;
}
