import type { Page } from '@playwright/test';

/** Epoch ms with sub-ms resolution on the Node side; pages use the same formula. */
export const nodeNow = () => performance.timeOrigin + performance.now();

/** Page clock minus Node clock, from the round trip with the smallest delay. */
export async function clockOffset(page: Page): Promise<number> {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 30; i++) {
    const before = nodeNow();
    const pageNow = await page.evaluate(() => performance.timeOrigin + performance.now());
    const after = nodeNow();
    if (after - before < best.rtt) best = { rtt: after - before, offset: pageNow - (before + after) / 2 };
  }
  return best.offset;
}

/**
 * Absolute (epoch ms) time of the named user-timing mark for one invitation, or null. Read with
 * one small evaluate, so the bench itself puts next to no work on the page's main thread.
 */
export function markTime(page: Page, name: string, invitationId: string): Promise<number | null> {
  return page.evaluate(
    ([markName, id]) => {
      const entry = performance
        .getEntriesByName(markName, 'mark')
        .find((e) => (e as PerformanceMark).detail?.invitationId === id);
      return entry ? performance.timeOrigin + entry.startTime : null;
    },
    [name, invitationId] as const,
  );
}

/**
 * Absolute (epoch ms) times of several marks of one invitation, the first of each name (a 差评's
 * details are a second record of the same invitation, marked after its press), null where
 * missing. One small evaluate, like markTime.
 */
export function markTimes<N extends string>(page: Page, names: readonly N[], invitationId: string): Promise<Record<N, number | null>> {
  return page.evaluate(
    ([markNames, id]) =>
      Object.fromEntries(
        markNames.map((markName) => {
          const entry = performance
            .getEntriesByName(markName, 'mark')
            .find((e) => (e as PerformanceMark).detail?.invitationId === id);
          return [markName, entry ? performance.timeOrigin + entry.startTime : null];
        }),
      ),
    [names, invitationId] as const,
  ) as Promise<Record<N, number | null>>;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls sparsely (every `everyMs`) until the mark exists. */
export async function awaitMark(page: Page, name: string, invitationId: string, everyMs: number): Promise<number> {
  for (let waited = 0; waited < 10_000; waited += everyMs) {
    const at = await markTime(page, name, invitationId);
    if (at !== null) return at;
    await sleep(everyMs);
  }
  throw new Error(`no "${name}" mark for invitation ${invitationId} after 10 s`);
}

