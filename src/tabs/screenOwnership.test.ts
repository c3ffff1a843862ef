import { describe, expect, it } from 'vitest';
import { claimScreen, SCREEN_LOCK, type ScreenLocks } from './screenOwnership';

/**
 * Web Locks as the browser keeps them, for one origin: a holder keeps the lock while its
 * callback's promise is pending; requests queue in order; ifAvailable gets null when held.
 * The real API is tried in Chromium by e2e/oneScreen.spec.ts.
 */
function fakeLocks() {
  const held = new Map<string, number>();
  const waiting: Array<{ name: string; page: number; grant: () => void }> = [];
  let currentPage = 0;
  const pages = new Map<number, Array<() => void>>();
  const release = (name: string) => {
    held.delete(name);
    const next = waiting.findIndex((w) => w.name === name);
    if (next >= 0) waiting.splice(next, 1)[0]!.grant();
  };
  function forPage(page: number): ScreenLocks {
    return {
      request: ((name: string, optionsOrCallback: unknown, maybeCallback?: unknown) => {
        const options = (typeof optionsOrCallback === 'function' ? {} : optionsOrCallback) as LockOptions;
        const callback = (typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback) as (lock: Lock | null) => unknown;
        const take = () => {
          held.set(name, page);
          (pages.get(page) ?? pages.set(page, []).get(page)!).push(() => release(name));
          return Promise.resolve(callback({ name, mode: 'exclusive' } as Lock));
        };
        if (!held.has(name)) return take();
        if (options.ifAvailable) return Promise.resolve(callback(null));
        return new Promise<unknown>((resolve) => waiting.push({ name, page, grant: () => void take().then(resolve) }));
      }) as ScreenLocks['request'],
    };
  }
  return {
    page: () => forPage(++currentPage),
    closePage(page: number) {
      for (const releaseOne of pages.get(page) ?? []) releaseOne();
      pages.delete(page);
    },
    holder: () => held.get(SCREEN_LOCK),
  };
}

describe('claimScreen', () => {
  it('makes the first page the owner at once, without a waiting notice', async () => {
    const locks = fakeLocks();
    const notices: string[] = [];
    await expect(claimScreen(locks.page(), () => notices.push('waiting'))).resolves.toBe('owner');
    expect(notices).toEqual([]);
    expect(locks.holder()).toBe(1);
  });

  it('keeps a second page waiting with the notice until the owner closes, then hands it the screen', async () => {
    const locks = fakeLocks();
    await claimScreen(locks.page(), () => undefined);
    const notices: string[] = [];
    let owned = false;
    const second = claimScreen(locks.page(), () => notices.push('waiting')).then((claim) => {
      owned = true;
      return claim;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(notices).toEqual(['waiting']);
    expect(owned).toBe(false);
    expect(locks.holder()).toBe(1);
    locks.closePage(1);
    await expect(second).resolves.toBe('owner');
    expect(locks.holder()).toBe(2);
  });

  it('holds the lock for the page life: a third page waits behind the second', async () => {
    const locks = fakeLocks();
    await claimScreen(locks.page(), () => undefined);
    const second = claimScreen(locks.page(), () => undefined);
    const third = claimScreen(locks.page(), () => undefined);
    locks.closePage(1);
    await second;
    let thirdOwned = false;
    void third.then(() => (thirdOwned = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(thirdOwned).toBe(false);
    locks.closePage(2);
    await expect(third).resolves.toBe('owner');
  });

  it('runs as before where the page has no Web Locks', async () => {
    await expect(claimScreen(undefined, () => undefined)).resolves.toBe('no-locks');
  });
});
