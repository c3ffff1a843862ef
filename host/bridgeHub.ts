import type { z } from 'zod';
import { RendererMessageSchema, type HostMessage, type ScreenNameSchema } from '../contract/bridgeMessages';
import type { DeviceContext } from '../contract/hallConfig';
import type { InvitationQueue } from './invitationQueue';

export type ScreenName = z.infer<typeof ScreenNameSchema>;

export interface BridgeHubOptions {
  queue: InvitationQueue;
  context: () => DeviceContext;
  log: (message: string) => void;
  /** The renderer reported which screen shows. */
  onScreen?: (name: ScreenName) => void;
  /** Extra messages a newly connected renderer should get after hello (e.g. device status). */
  greeting?: () => HostMessage[];
}

/** One renderer on the other end of some transport (WebSocket, Electron IPC). */
export interface BridgeConnection {
  /** Delivers a message to the renderer. */
  deliver(message: HostMessage): void;
  /** Hands the hub a message the renderer sent (already decoded from the transport's framing). */
  receive(raw: unknown): void;
  close(): void;
}

export interface BridgeHub {
  connect(deliver: (message: HostMessage) => void): BridgeConnection;
  broadcast(message: HostMessage): void;
  connections(): number;
}

/**
 * The host's side of the bridge, whatever carries it: greets each renderer with its context and
 * every unacknowledged invitation, validates what renderers send, and broadcasts to all.
 * Transports only move messages; all meaning is decided here.
 */
export function createBridgeHub(options: BridgeHubOptions): BridgeHub {
  const connections = new Set<BridgeConnection>();
  return {
    connect(deliver) {
      const connection: BridgeConnection = {
        deliver,
        receive(raw) {
          const parsed = RendererMessageSchema.safeParse(raw);
          if (!parsed.success) {
            options.log('bridge: ignored an invalid message');
            return;
          }
          if (parsed.data.type === 'ack') options.queue.ack(parsed.data.invitationId);
          else options.onScreen?.(parsed.data.name);
        },
        close: () => void connections.delete(connection),
      };
      connections.add(connection);
      deliver({ type: 'hello', context: options.context(), hostTimeMs: Date.now() });
      for (const message of options.greeting?.() ?? []) deliver(message);
      for (const invitation of options.queue.pending()) deliver({ type: 'invitation', invitation });
      return connection;
    },
    broadcast(message) {
      for (const connection of connections) connection.deliver(message);
    },
    connections: () => connections.size,
  };
}
