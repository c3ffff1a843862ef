import { EventEmitter } from 'node:events';
import type { Invitation } from '../../contract/invitation';

/**
 * How a new invitation reaches the feeds open for its device: in one process an event emitter;
 * with several intake nodes on one database, the database's notifications
 * (store/postgres/invitationBus.ts), so a tablet gets it whichever node holds its feed.
 */
export interface InvitationBus {
  /** Tells every node that the device has a new (stored) invitation. */
  publish(deviceId: string, invitation: Invitation): Promise<void>;
  subscribe(deviceId: string, listener: (invitation: Invitation) => void): () => void;
  /**
   * Tells every node that the device opened a feed, so a node holding an older one ends it (one
   * live feed per device, whichever node holds it); answers when it was opened, on the one clock
   * all nodes share (the database's), so every node orders two feeds the same way.
   */
  feedOpened(deviceId: string, feedId: string): Promise<number>;
  /** Every feed opened on any node, this one's included. */
  onFeedOpened(listener: (opened: FeedOpened) => void): () => void;
  /**
   * After the bus could not hear for a while (its listening connection was lost and is back):
   * feeds opened elsewhere meanwhile went unheard, so those held here may be stale.
   */
  onHeardAgain(listener: () => void): () => void;
  close(): Promise<void>;
}

export interface FeedOpened {
  deviceId: string;
  feedId: string;
  /** When, on the bus's clock. */
  at: number;
}

/** Whether feed `a` was opened before feed `b` (the later one is the device's live feed). */
export const openedBefore = (a: Omit<FeedOpened, 'deviceId'>, b: Omit<FeedOpened, 'deviceId'>): boolean => a.at < b.at || (a.at === b.at && a.feedId < b.feedId);

/** The feeds of this process only (one intake node). */
export function localInvitationBus(): InvitationBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const feeds = new EventEmitter();
  feeds.setMaxListeners(0);
  let clock = 0;
  return {
    async publish(deviceId, invitation) {
      emitter.emit(deviceId, invitation);
    },
    subscribe(deviceId, listener) {
      emitter.on(deviceId, listener);
      return () => emitter.off(deviceId, listener);
    },
    async feedOpened(deviceId, feedId) {
      const at = ++clock;
      feeds.emit('opened', { deviceId, feedId, at } satisfies FeedOpened);
      return at;
    },
    onFeedOpened(listener) {
      feeds.on('opened', listener);
      return () => feeds.off('opened', listener);
    },
    // One process hears everything it says.
    onHeardAgain: () => () => undefined,
    async close() {
      emitter.removeAllListeners();
      feeds.removeAllListeners();
    },
  };
}
