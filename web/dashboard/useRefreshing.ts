import { useEffect, useState } from 'react';

export type Loaded<T> = { state: 'loading' } | { state: 'ready'; data: T; at: Date } | { state: 'failed'; error: Error; data?: T };

/**
 * Loads `load()` now and every `everyMs` after, again whenever `key` changes (until then the
 * result is 'loading'). A failed refresh keeps the last good data on screen with the error
 * beside it, so a hall screen never goes blank because of one bad minute.
 */
export function useRefreshing<T>(load: () => Promise<T>, key: string, everyMs: number | null): Loaded<T> {
  const [loaded, setLoaded] = useState<{ key: string; value: Loaded<T> } | null>(null);
  useEffect(() => {
    let live = true;
    const lastData = (previous: { key: string; value: Loaded<T> } | null) =>
      previous?.key === key && previous.value.state !== 'loading' && previous.value.data !== undefined ? { data: previous.value.data } : {};
    const run = () =>
      load().then(
        (data) => live && setLoaded({ key, value: { state: 'ready', data, at: new Date() } }),
        (error: unknown) =>
          live &&
          setLoaded((previous) => ({
            key,
            value: { state: 'failed', error: error instanceof Error ? error : new Error(String(error)), ...lastData(previous) },
          })),
      );
    void run();
    const timer = everyMs === null ? undefined : setInterval(() => void run(), everyMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
    // `load` is rebuilt each render; `key` says when what it loads has changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, everyMs]);
  return loaded?.key === key ? loaded.value : { state: 'loading' };
}
