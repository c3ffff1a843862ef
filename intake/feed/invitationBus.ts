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
  close(): Promise<void>;
}

/** The feeds of this process only (one intake node). */
export function localInvitationBus(): InvitationBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    async publish(deviceId, invitation) {
      emitter.emit(deviceId, invitation);
    },
    subscribe(deviceId, listener) {
      emitter.on(deviceId, listener);
      return () => emitter.off(deviceId, listener);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}
