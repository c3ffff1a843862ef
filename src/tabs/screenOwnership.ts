/**
 * One page of this device runs the rating screen. The host sends every invitation to every
 * page it serves, and each page would show it, time it out and record its own ending: two
 * tabs, a window opened twice, a kiosk restarted beside a forgotten one. The page that holds
 * this Web Lock is the rating screen; any other waits (showing a calm notice) and takes over
 * when the holder closes. The lock is the browser's, so it is released when the holder's
 * page dies, crash and power loss included: nothing is left claimed.
 */
export const SCREEN_LOCK = 'evaluator-rating-screen';

/** The part of the Web Locks API this needs (navigator.locks). */
export type ScreenLocks = Pick<LockManager, 'request'>;

export type ScreenClaim = 'owner' | 'no-locks';

/**
 * Resolves once this page owns the rating screen: at once when no other page holds it, else
 * after `onWaiting` and when the holder goes away. Held for the rest of the page's life.
 * Without Web Locks (a page outside a secure context) it resolves at once with 'no-locks':
 * the outbox still refuses a second ending of one invitation.
 */
export async function claimScreen(locks: ScreenLocks | undefined, onWaiting: () => void): Promise<ScreenClaim> {
  if (!locks) return 'no-locks';
  const holdForever = () => new Promise<never>(() => undefined);
  const free = await new Promise<boolean>((resolve, reject) => {
    locks
      .request(SCREEN_LOCK, { ifAvailable: true }, (lock) => {
        resolve(lock !== null);
        return lock === null ? undefined : holdForever();
      })
      .catch(reject);
  });
  if (free) return 'owner';
  onWaiting();
  await new Promise<void>((resolve, reject) => {
    locks
      .request(SCREEN_LOCK, () => {
        resolve();
        return holdForever();
      })
      .catch(reject);
  });
  return 'owner';
}
