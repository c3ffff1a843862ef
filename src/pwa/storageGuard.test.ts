import { describe, expect, it } from 'vitest';
import { NEARLY_FULL_RATIO, readStorage, requestPersistence, watchStorage, type StorageReport } from './storageGuard';

function fakeStorage(usage: number, quota: number, alreadyPersisted = false, grant = true) {
  const calls: string[] = [];
  return {
    calls,
    api: {
      estimate: () => Promise.resolve({ usage, quota }),
      persisted: () => {
        calls.push('persisted');
        return Promise.resolve(alreadyPersisted);
      },
      persist: () => {
        calls.push('persist');
        return Promise.resolve(grant);
      },
    },
  };
}

describe('storage guard', () => {
  it('asks for persistence only when not already granted', async () => {
    const fresh = fakeStorage(0, 100);
    expect(await requestPersistence(fresh.api)).toBe(true);
    expect(fresh.calls).toEqual(['persisted', 'persist']);
    const granted = fakeStorage(0, 100, true);
    expect(await requestPersistence(granted.api)).toBe(true);
    expect(granted.calls).toEqual(['persisted']);
    expect(await requestPersistence(fakeStorage(0, 100, false, false).api)).toBe(false);
  });

  it('flags the store as nearly full from 80 % of the quota', async () => {
    expect(await readStorage(fakeStorage(79, 100).api, true)).toMatchObject({ ratio: 0.79, nearlyFull: false, persisted: true });
    expect(await readStorage(fakeStorage(NEARLY_FULL_RATIO * 100, 100).api, false)).toMatchObject({ nearlyFull: true, persisted: false });
    expect(await readStorage(fakeStorage(5, 0).api, false)).toBeNull();
  });

  it('reports after requesting persistence, and stops when asked', async () => {
    const reports: StorageReport[] = [];
    const fake = fakeStorage(900, 1000);
    const stop = watchStorage(fake.api, (r) => reports.push(r), 10);
    await new Promise((resolve) => setTimeout(resolve, 35));
    stop();
    const seen = reports.length;
    expect(seen).toBeGreaterThanOrEqual(1);
    expect(reports[0]).toMatchObject({ usageBytes: 900, quotaBytes: 1000, nearlyFull: true, persisted: true });
    expect(fake.calls.slice(0, 2)).toEqual(['persisted', 'persist']);
    await new Promise((resolve) => setTimeout(resolve, 25));
    expect(reports.length).toBe(seen);
  });
});
