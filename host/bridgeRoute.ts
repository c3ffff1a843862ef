import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { RendererMessageSchema, type HostMessage } from '../contract/bridgeMessages';
import type { z } from 'zod';
import type { ScreenNameSchema } from '../contract/bridgeMessages';

export type ScreenName = z.infer<typeof ScreenNameSchema>;
import type { DeviceContext } from '../contract/hallConfig';
import { sendError } from './httpErrors';
import type { InvitationQueue } from './invitationQueue';
import { secretsEqual } from './secrets';

export interface BridgeRouteOptions {
  queue: InvitationQueue;
  context: () => DeviceContext;
  launchToken: string;
  isOwnOrigin: (origin: string) => boolean;
  log: (message: string) => void;
  /** The renderer reported which screen shows. */
  onScreen?: (name: ScreenName) => void;
  /** Extra messages a newly connected renderer should get after hello (e.g. device status). */
  greeting?: () => HostMessage[];
}

export interface BridgeHub {
  broadcast(message: HostMessage): void;
  connections(): number;
}

/**
 * GET /bridge (WebSocket): the renderer's line to the host. Only the page this host served,
 * holding this launch's token, may connect; other local pages and processes are refused
 * before the upgrade.
 */
export function bridgeRoute(app: FastifyInstance, options: BridgeRouteOptions): BridgeHub {
  const sockets = new Set<WebSocket>();
  const send = (socket: WebSocket, message: HostMessage) => socket.send(JSON.stringify(message));

  app.get(
    '/bridge',
    {
      websocket: true,
      preValidation: async (request, reply) => {
        const origin = request.headers.origin;
        if (origin === undefined || !options.isOwnOrigin(origin)) {
          return sendError(reply, 403, 'forbidden_origin', 'the bridge accepts only the page served by this host');
        }
        const token = new URL(request.url, 'http://host').searchParams.get('token') ?? '';
        if (!token || !secretsEqual(token, options.launchToken)) {
          return sendError(reply, 401, 'unauthorized', 'missing or wrong launch token');
        }
      },
    },
    (socket) => {
      sockets.add(socket);
      send(socket, { type: 'hello', context: options.context(), hostTimeMs: Date.now() });
      for (const message of options.greeting?.() ?? []) send(socket, message);
      for (const invitation of options.queue.pending()) send(socket, { type: 'invitation', invitation });
      socket.on('message', (data) => {
        let raw: unknown;
        try {
          raw = JSON.parse(String(data));
        } catch {
          options.log('bridge: ignored a message that is not JSON');
          return;
        }
        const parsed = RendererMessageSchema.safeParse(raw);
        if (!parsed.success) {
          options.log('bridge: ignored an invalid message');
          return;
        }
        if (parsed.data.type === 'ack') options.queue.ack(parsed.data.invitationId);
        else options.onScreen?.(parsed.data.name);
      });
      socket.on('close', () => sockets.delete(socket));
    },
  );

  return {
    broadcast(message) {
      for (const socket of sockets) send(socket, message);
    },
    connections: () => sockets.size,
  };
}
