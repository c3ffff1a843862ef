import type { z } from 'zod';
import { RendererMessageSchema, type HostMessage, type ScreenNameSchema } from '../contract/bridgeMessages';
import type { DeviceContext } from '../contract/hallConfig';
import type { PinAttempt } from '../shared-node/adminPin';
import type { InvitationQueue } from './invitationQueue';

export type ScreenName = z.infer<typeof ScreenNameSchema>;

export interface BridgeHubOptions {
  queue: InvitationQueue;
  context: () => DeviceContext;
  log: (message: string) => void;
  /** The renderer reported which screen shows. */
  onScreen?: (name: ScreenName) => void;
  /** How many renderers are connected, after each connect and close. */
  onConnections?: (count: number) => void;
  /** Extra messages a newly connected renderer should get after hello (e.g. device status). */
  greeting?: () => HostMessage[];
  /** Checks an admin PIN (with lockout); absent when the hall has no admin PIN. */
  attemptPin?: (pin: string) => PinAttempt | Promise<PinAttempt>;
  onAdminAction?: (action: AdminAction) => void;
  now?: () => number;
}

export type AdminAction = 'exitKiosk' | 'deviceSelfTest';

/** How long a correct PIN unlocks admin actions on its connection. */
export const ADMIN_UNLOCK_MS = 5 * 60 * 1000;

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
      const now = options.now ?? Date.now;
      let unlockedUntil = 0;
      const connection: BridgeConnection = {
        deliver,
        receive(raw) {
          const parsed = RendererMessageSchema.safeParse(raw);
          if (!parsed.success) {
            options.log('bridge: ignored an invalid message');
            return;
          }
          const message = parsed.data;
          switch (message.type) {
            case 'ack':
              options.queue.ack(message.invitationId);
              return;
            case 'screen':
              options.onScreen?.(message.name);
              return;
            case 'adminUnlock': {
              if (!options.attemptPin) {
                deliver({ type: 'adminUnlock', ok: false, reason: 'notConfigured', retryAfterMs: 0 });
                return;
              }
              const answer = (result: PinAttempt) => {
                if (result.ok) unlockedUntil = now() + ADMIN_UNLOCK_MS;
                deliver(result.ok ? { type: 'adminUnlock', ok: true, retryAfterMs: 0 } : { type: 'adminUnlock', ok: false, reason: result.reason, retryAfterMs: result.retryAfterMs });
              };
              const result = options.attemptPin(message.pin);
              if (result instanceof Promise) {
                result.then(answer, (error: unknown) => {
                  options.log(`bridge: the PIN check failed: ${error instanceof Error ? error.message : String(error)}`);
                  deliver({ type: 'adminUnlock', ok: false, reason: 'wrong', retryAfterMs: 0 });
                });
              } else answer(result);
              return;
            }
            case 'adminAction':
              if (now() >= unlockedUntil) {
                options.log(`bridge: refused admin action ${message.action} without a fresh PIN`);
                return;
              }
              options.onAdminAction?.(message.action);
              return;
          }
        },
        close: () => {
          if (connections.delete(connection)) options.onConnections?.(connections.size);
        },
      };
      connections.add(connection);
      options.onConnections?.(connections.size);
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
