/**
 * A new version of the page takes over only between citizens. Two ways a new build arrives:
 *
 * - Under a service worker (tablet PWA, or any page the worker controls): the new worker installs
 *   beside the old one and waits (vite.config.ts: no skipWaiting). Only when the flow is on the
 *   idle screen with nothing queued is it told to take over (SKIP_WAITING), and the page reloads
 *   into it once it controls the page. Until then the old worker keeps serving this build's files.
 * - Served by the host without a service worker (Electron, Chromium kiosk): the build writes
 *   version.json (vite.config.ts) naming its entry script and style sheets. It is fetched with
 *   no-store every few minutes and whenever a citizen is done (thanks → idle); when it names other
 *   files than this page loaded, the page reloads at idle.
 *
 * Loaded after the first paint (main.tsx), off the first screen's bundle.
 */

/** The files that make one build of the page, as its index.html names them. */
export interface BuildFiles {
  /** The entry module script, an absolute path such as /assets/index-abc.js. */
  entry: string;
  /** The style sheets, sorted. */
  styles: string[];
}

/** The build this page was loaded from: read from its own document. */
export function pageBuild(doc: Document): BuildFiles | null {
  const script = doc.querySelector<HTMLScriptElement>('script[type="module"][src]');
  if (!script) return null;
  const styles = [...doc.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"][href]')].map((link) => new URL(link.href).pathname);
  return { entry: new URL(script.src).pathname, styles: styles.sort() };
}

/** version.json as the build writes it; null for anything else (a host answering with a page, an old build without one). */
export function parseBuild(value: unknown): BuildFiles | null {
  if (typeof value !== 'object' || value === null) return null;
  const { entry, styles } = value as Record<string, unknown>;
  if (typeof entry !== 'string' || !Array.isArray(styles) || !styles.every((s): s is string => typeof s === 'string')) return null;
  return { entry, styles: [...styles].sort() };
}

export function sameBuild(a: BuildFiles, b: BuildFiles): boolean {
  return a.entry === b.entry && a.styles.length === b.styles.length && a.styles.every((s, i) => s === b.styles[i]);
}

/** What this module reads of the flow store (src/flow/flowStore.ts). */
interface FlowView {
  flow: { screen: { name: string }; queue: readonly unknown[] };
}
export interface FlowSource {
  getState(): FlowView;
  subscribe(listener: (state: FlowView, previous: FlowView) => void): () => void;
}

type Worker = Pick<ServiceWorker, 'state' | 'postMessage' | 'addEventListener'>;
export type Registration = Pick<ServiceWorkerRegistration, 'update' | 'addEventListener'> & {
  readonly installing: Worker | null;
  readonly waiting: Worker | null;
};
export interface WorkerContainer {
  readonly controller: unknown;
  getRegistration(): Promise<Registration | undefined>;
  addEventListener(type: 'controllerchange', listener: () => void, options?: { once?: boolean }): void;
}

export interface UpdateAtIdleDeps {
  flow: FlowSource;
  /** Staff screens over the idle screen (admin panel, PIN pad, tablet setup): not between citizens. */
  busy?: () => boolean;
  /** Calls back when `busy` may have changed; returns an unsubscribe. */
  watchBusy?: (onChange: () => void) => () => void;
  /** navigator.serviceWorker, when the browser has one. */
  serviceWorker?: WorkerContainer;
  /** The build this page runs; null leaves the version.json check off. */
  page: BuildFiles | null;
  /** The host's version.json, fetched past every cache; null when there is none. */
  fetchVersion?: () => Promise<unknown>;
  reload: () => void;
  /** How often to look for a new build while nothing else asks; 5 minutes by default. */
  intervalMs?: number;
  log?: (message: string) => void;
}

export const CHECK_INTERVAL_MS = 5 * 60_000;
/** A waiting worker told to take over that has not within this time is asked again at the next idle. */
const TAKEOVER_WAIT_MS = 10_000;

async function fetchVersionJson(): Promise<unknown> {
  const response = await fetch('/version.json', { cache: 'no-store' });
  // A host without the file answers with its page (text/html): not a version.
  if (!response.ok || !response.headers.get('content-type')?.includes('json')) return null;
  return response.json();
}

export interface UpdateAtIdle {
  /** Looks for a new build now; it is applied at the next idle moment (at once when idle). */
  check(): Promise<void>;
  stop(): void;
}

export function updateAtIdle(deps: UpdateAtIdleDeps): UpdateAtIdle {
  const { flow, serviceWorker, reload } = deps;
  const busy = deps.busy ?? (() => false);
  const fetchVersion = deps.fetchVersion ?? fetchVersionJson;
  const log = deps.log ?? ((message: string) => console.info(`update: ${message}`));
  /** 'reload': a newer build is served and nothing more is needed than a reload; 'worker': a new service worker waits. */
  let pending: 'reload' | 'worker' | null = null;
  let registration: Registration | null = null;
  let watched = false;
  let takingOver = false;
  let checking: Promise<void> | null = null;
  let stopped = false;

  const betweenCitizens = () => {
    const { screen, queue } = flow.getState().flow;
    return screen.name === 'idle' && queue.length === 0 && !busy();
  };

  function apply(): void {
    if (stopped || !pending || takingOver || !betweenCitizens()) return;
    if (pending === 'reload') {
      stopped = true;
      log('reloading into the new version');
      reload();
      return;
    }
    const waiting = registration?.waiting;
    if (!waiting || !serviceWorker) {
      pending = null;
      return;
    }
    // The reload follows once the new worker controls this page (old files are gone from then on).
    takingOver = true;
    serviceWorker.addEventListener(
      'controllerchange',
      () => {
        takingOver = false;
        pending = 'reload';
        apply();
      },
      { once: true },
    );
    setTimeout(() => {
      if (takingOver && pending === 'worker') takingOver = false;
    }, TAKEOVER_WAIT_MS);
    log('a new service worker takes over between citizens');
    waiting.postMessage({ type: 'SKIP_WAITING' });
  }

  function noteWaiting(): void {
    if (registration?.waiting && serviceWorker?.controller && pending !== 'reload') {
      pending = 'worker';
      apply();
    }
  }

  /** Follows the registration's installs, whoever started them (this module, or the browser's own checks). */
  function watch(reg: Registration): void {
    registration = reg;
    if (watched) return;
    watched = true;
    const follow = (worker: Worker | null) =>
      worker?.addEventListener('statechange', () => {
        if (worker.state === 'installed') noteWaiting();
      });
    reg.addEventListener('updatefound', () => follow(reg.installing));
    follow(reg.installing);
  }

  async function lookForUpdate(): Promise<void> {
    if (serviceWorker?.controller) {
      const reg = await serviceWorker.getRegistration();
      if (reg) {
        watch(reg);
        // Offline, or the host down: the next check tries again.
        await reg.update().catch(() => undefined);
        noteWaiting();
        return;
      }
    }
    if (!deps.page) return;
    const served = parseBuild(await fetchVersion().catch(() => null));
    if (served && !sameBuild(served, deps.page)) {
      pending = 'reload';
      apply();
    }
  }

  function check(): Promise<void> {
    if (stopped) return Promise.resolve();
    checking ??= lookForUpdate()
      .catch((error: unknown) => log(`check failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => (checking = null));
    return checking;
  }

  const unsubscribeFlow = flow.subscribe((state, previous) => {
    // A citizen is done: a good moment to look, and the moment a found update may be applied.
    if (state.flow.screen.name === 'idle' && previous.flow.screen.name !== 'idle') void check();
    apply();
  });
  const unsubscribeBusy = deps.watchBusy?.(apply);
  const timer = setInterval(() => void check(), deps.intervalMs ?? CHECK_INTERVAL_MS);
  void check();

  return {
    check,
    stop() {
      stopped = true;
      clearInterval(timer);
      unsubscribeFlow();
      unsubscribeBusy?.();
    },
  };
}
