/** The slice of webContents the watchdog needs (a fake in tests). */
export interface WatchedContents {
  on(event: 'render-process-gone', listener: (event: unknown, details: { reason: string }) => void): unknown;
  on(event: 'unresponsive' | 'responsive', listener: () => void): unknown;
  reload(): void;
  forcefullyCrashRenderer(): void;
}

export interface WatchdogOptions {
  log: (message: string) => void;
  /** How long a hung renderer gets before it is crashed and reloaded. */
  hangGraceMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  now?: () => number;
}

/**
 * Keeps the kiosk page alive: a crashed renderer is reloaded (with growing delays when it keeps
 * crashing), a hung one gets a grace period and is then crashed and reloaded — once: the
 * render-process-gone that the crash itself causes does not reload it again. Outcomes are safe
 * across this because they are durable in IndexedDB before the thanks screen.
 */
export function watchRenderer(contents: WatchedContents, options: WatchdogOptions): void {
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const now = options.now ?? Date.now;
  const hangGraceMs = options.hangGraceMs ?? 10_000;
  let recentCrashes: number[] = [];
  let hangTimer: unknown;
  /** The watchdog crashed a hung renderer and reloaded it already: its "gone" is not another crash to reload. */
  let crashedByUs = false;

  contents.on('render-process-gone', (_event, details) => {
    if (crashedByUs) {
      crashedByUs = false;
      options.log(`renderer gone (${details.reason}) after the hang crash; already reloading`);
      return;
    }
    if (details.reason === 'clean-exit') return;
    const at = now();
    recentCrashes = [...recentCrashes.filter((t) => at - t < 60_000), at];
    const delay = Math.min(30_000, 500 * 2 ** (recentCrashes.length - 1));
    options.log(`renderer gone (${details.reason}); reloading in ${delay} ms`);
    setTimer(() => contents.reload(), delay);
  });
  contents.on('unresponsive', () => {
    if (hangTimer !== undefined) return;
    options.log('renderer unresponsive');
    hangTimer = setTimer(() => {
      hangTimer = undefined;
      options.log('renderer still hung: crashing it to reload');
      crashedByUs = true;
      contents.forcefullyCrashRenderer();
      contents.reload();
    }, hangGraceMs);
  });
  contents.on('responsive', () => {
    if (hangTimer !== undefined) clearTimer(hangTimer);
    hangTimer = undefined;
  });
}
