import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { parseBuild, sameBuild, updateAtIdle, type Registration, type UpdateAtIdle, type WorkerContainer } from './updateAtIdle';

const A = { entry: '/assets/index-A.js', styles: ['/assets/index-A.css'] };
const B = { entry: '/assets/index-B.js', styles: ['/assets/index-A.css'] };

type Screen = { name: string };
function flowStore(name = 'idle', queue: unknown[] = []) {
  const store = createStore<{ flow: { screen: Screen; queue: unknown[] } }>()(() => ({ flow: { screen: { name }, queue } }));
  return Object.assign(store, { show: (screenName: string, q: unknown[] = []) => store.setState({ flow: { screen: { name: screenName }, queue: q } }) });
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
let running: UpdateAtIdle | null = null;
afterEach(() => {
  running?.stop();
  running = null;
});

describe('version.json (a host without a service worker)', () => {
  it('reads only what the build writes, and compares the files', () => {
    expect(parseBuild({ entry: '/assets/index-A.js', styles: ['/b.css', '/a.css'] })).toEqual({ entry: '/assets/index-A.js', styles: ['/a.css', '/b.css'] });
    expect(parseBuild('<!doctype html>')).toBeNull();
    expect(parseBuild({ entry: 1, styles: [] })).toBeNull();
    expect(sameBuild(A, { ...A })).toBe(true);
    expect(sameBuild(A, B)).toBe(false);
    expect(sameBuild(A, { ...A, styles: [] })).toBe(false);
  });

  it('a new build found during a rating is loaded only when the flow is idle with nothing queued', async () => {
    const flow = flowStore('rating');
    const reload = vi.fn();
    let served: unknown = A;
    const fetchVersion = vi.fn(() => Promise.resolve(served));
    running = updateAtIdle({ flow, page: A, fetchVersion, reload, log: () => undefined });
    await flush();
    expect(fetchVersion).toHaveBeenCalledTimes(1);
    served = B;
    await running.check();
    flow.show('details');
    flow.show('thanks');
    expect(reload).not.toHaveBeenCalled();
    // Idle, but the next citizen already waits: still not now.
    flow.show('idle', [{ invitation: 'next' }]);
    await flush();
    expect(reload).not.toHaveBeenCalled();
    flow.show('rating');
    flow.show('idle');
    await flush();
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('looks again each time a citizen is done, and reloads at once when found idle', async () => {
    const flow = flowStore('idle');
    const reload = vi.fn();
    let served: unknown = A;
    const fetchVersion = vi.fn(() => Promise.resolve(served));
    running = updateAtIdle({ flow, page: A, fetchVersion, reload, log: () => undefined });
    await flush();
    flow.show('rating');
    flow.show('thanks');
    served = B;
    flow.show('idle');
    await flush();
    expect(fetchVersion).toHaveBeenCalledTimes(2);
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('the same build, a page instead of the file, or no answer: no reload', async () => {
    for (const answer of [Promise.resolve(A), Promise.resolve('<!doctype html>'), Promise.reject(new Error('offline'))]) {
      const reload = vi.fn();
      const checker = updateAtIdle({ flow: flowStore(), page: A, fetchVersion: () => answer, reload, log: () => undefined });
      await checker.check();
      checker.stop();
      expect(reload).not.toHaveBeenCalled();
    }
  });

  it('waits while staff use the admin panel on the idle screen', async () => {
    const reload = vi.fn();
    let busy = true;
    let onBusy = () => undefined as void;
    running = updateAtIdle({
      flow: flowStore(),
      page: A,
      fetchVersion: () => Promise.resolve(B),
      reload,
      busy: () => busy,
      watchBusy: (onChange) => ((onBusy = onChange), () => undefined),
      log: () => undefined,
    });
    await running.check();
    expect(reload).not.toHaveBeenCalled();
    busy = false;
    onBusy();
    expect(reload).toHaveBeenCalledTimes(1);
  });
});

describe('service worker', () => {
  function fakeWorkers(waitingAtStart: boolean) {
    const posted: unknown[] = [];
    const listeners: Array<() => void> = [];
    const waiting = { state: 'installed' as ServiceWorkerState, postMessage: (message: unknown) => posted.push(message), addEventListener: () => undefined };
    const registration: Registration & { waiting: typeof waiting | null } = {
      installing: null,
      waiting: waitingAtStart ? waiting : null,
      update: vi.fn(() => {
        registration.waiting = waiting;
        return Promise.resolve(registration as unknown as ServiceWorkerRegistration);
      }),
      addEventListener: () => undefined,
    };
    const container: WorkerContainer = {
      controller: {},
      getRegistration: () => Promise.resolve(registration),
      addEventListener: (_type, listener) => listeners.push(listener),
    };
    return { posted, registration, container, takeOver: () => listeners.splice(0).forEach((l) => l()) };
  }

  it('a waiting worker takes over only at idle, and the page reloads once it controls the page', async () => {
    const flow = flowStore('rating');
    const reload = vi.fn();
    const fetchVersion = vi.fn(() => Promise.resolve(B));
    const workers = fakeWorkers(false);
    running = updateAtIdle({ flow, page: A, serviceWorker: workers.container, fetchVersion, reload, log: () => undefined });
    await running.check();
    // Under a service worker its update flow decides, not version.json.
    expect(fetchVersion).not.toHaveBeenCalled();
    expect(workers.registration.update).toHaveBeenCalled();
    expect(workers.posted).toEqual([]);
    flow.show('details');
    flow.show('thanks');
    expect(workers.posted).toEqual([]);
    flow.show('idle');
    expect(workers.posted).toEqual([{ type: 'SKIP_WAITING' }]);
    expect(reload).not.toHaveBeenCalled();
    workers.takeOver();
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('a citizen arriving while the new worker takes over delays the reload to the next idle', async () => {
    const flow = flowStore('idle');
    const reload = vi.fn();
    const workers = fakeWorkers(true);
    running = updateAtIdle({ flow, page: A, serviceWorker: workers.container, reload, log: () => undefined });
    await flush();
    await flush();
    expect(workers.posted).toEqual([{ type: 'SKIP_WAITING' }]);
    flow.show('rating');
    workers.takeOver();
    expect(reload).not.toHaveBeenCalled();
    flow.show('thanks');
    flow.show('idle');
    expect(reload).toHaveBeenCalledTimes(1);
  });
});
