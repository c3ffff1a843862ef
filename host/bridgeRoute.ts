import type { FastifyInstance } from 'fastify';
import type { BridgeHub } from './bridgeHub';
import { sendError } from './httpErrors';
import type { LaunchSessions } from './launchSession';
import { secretsEqual } from './secrets';

export interface BridgeRouteOptions {
  hub: BridgeHub;
  sessions: LaunchSessions;
  isOwnOrigin: (origin: string) => boolean;
  log: (message: string) => void;
}

/**
 * GET /bridge (WebSocket): the WebSocket transport of the bridge. Only the page this host served,
 * in the browser that redeemed a launch code (its HttpOnly session cookie) and holding that
 * session's token, may connect; other local pages and processes are refused before the upgrade.
 * (A foreign Host header is refused before this, for every route: hostServer.ts.)
 */
export function bridgeRoute(app: FastifyInstance, options: BridgeRouteOptions): void {
  app.get(
    '/bridge',
    {
      websocket: true,
      preValidation: async (request, reply) => {
        const origin = request.headers.origin;
        if (origin === undefined || !options.isOwnOrigin(origin)) {
          return sendError(reply, 403, 'forbidden_origin', 'the bridge accepts only the page served by this host');
        }
        const session = options.sessions.fromCookieHeader(request.headers.cookie);
        const token = new URL(request.url, 'http://host').searchParams.get('token') ?? '';
        if (!session || !token || !secretsEqual(token, session.bridgeToken)) {
          return sendError(reply, 401, 'unauthorized', 'no launch session, or a wrong bridge token');
        }
      },
    },
    (socket) => {
      const connection = options.hub.connect((message) => socket.send(JSON.stringify(message)));
      socket.on('message', (data) => {
        try {
          connection.receive(JSON.parse(String(data)));
        } catch {
          options.log('bridge: ignored a message that is not JSON');
        }
      });
      socket.on('close', () => connection.close());
    },
  );
}
