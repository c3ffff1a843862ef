import { useEffect, useState } from 'react';

/**
 * What `read` last answered, read now and every `intervalMs` while the page can be seen (a hidden
 * panel costs no IndexedDB reads); null until the first answer. `read` is taken afresh when `key`
 * changes (the database it reads, usually).
 */
export function usePolled<T>(read: () => Promise<T>, intervalMs: number, key: unknown): T | null {
  const [value, setValue] = useState<T | null>(null);
  useEffect(() => {
    let live = true;
    const refresh = () => {
      if (document.visibilityState === 'hidden') return;
      void read().then((answer) => live && setValue(answer));
    };
    refresh();
    const id = setInterval(refresh, intervalMs);
    return () => {
      live = false;
      clearInterval(id);
    };
    // `read` is a new closure every render; `key` says when it reads something else.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, intervalMs]);
  return value;
}
