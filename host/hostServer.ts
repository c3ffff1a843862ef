import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { deviceContextFor, type DeviceContext, type HallConfig } from '../contract/hallConfig';
import type { DeviceStatusMessage, HostMessage } from '../contract/bridgeMessages';
import { createBridgeHub, type BridgeHub, type ScreenName } from './bridgeHub';
import { bridgeRoute } from './bridgeRoute';
import type { DeviceCommand, DevicePress, DeviceStatus, PressAnswer, RatingDevice } from './device/ratingDevice';
import { caseEventRoute } from './caseEventRoute';
import { sendError } from './httpErrors';
import { createPersistentPinGate } from './adminPinGate';
import { contentSecurityPolicy } from '../shared-node/contentSecurityPolicy';
import { openInvitationJournal } from './invitationJournal';
import { InvitationQueue } from './invitationQueue';
import { createLaunchSessions, isOwnHost } from './launchSession';
import { createPressGate } from './device/pressGate';

export interface HostOptions {
  hall: HallConfig;
  deviceId: string;
  /** 0 picks a free port. */
  port: number;
  /** The built renderer (vite build output); omitted to run the API only. */
  staticDir?: string;
  /** Overrides the device's caseEventToken from the hall config. */
  caseEventToken?: string;
  log?: (message: string) => void;
  /** What "exit kiosk" does on this platform (Electron quits; the headless host closes its browser). */
  onExitKiosk?: () => void;
  /**
   * Where the host keeps what must survive a restart: the invitation journal
   * (`invitations-<deviceId>.jsonl`). Without it, accepted case events live in memory only (tests).
   */
  dataDir?: string;
  /** A physical rating device attached to this host (serial button box), built with the host's handlers. */
  createDevice?: (handlers: { onPress: (press: DevicePress) => PressAnswer; onStatus: (status: DeviceStatus) => void }) => RatingDevice;
}

/** The host refuses to start with a shorter case-event token. */
export const MIN_CASE_EVENT_TOKEN_LENGTH = 32;

/** The device's lights and tones follow the screen the citizen sees. */
const COMMAND_FOR_SCREEN: Partial<Record<ScreenName, DeviceCommand>> = { rating: 'prompt', thanks: 'thanks', idle: 'idle' };

export interface RunningHost {
  /** Origin of the host, e.g. http://127.0.0.1:8787 */
  origin: string;
  /**
   * A fresh one-time launch link (`/launch?code=…`): opening it once gives that browser the bridge
   * session. Never print it in kiosk mode or put it on a command line (kioskBrowser.ts writes it to
   * an owner-only launch file).
   */
  launchUrl(): string;
  /** Reading it mints a fresh one-time launch link, as launchUrl() does (tests and benches open it). */
  readonly appUrl: string;
  caseEventToken: string;
  context: DeviceContext;
  app: FastifyInstance;
  /** The bridge's host side, for transports other than the WebSocket (Electron IPC). */
  hub: BridgeHub;
  close(): Promise<void>;
}

/**
 * The headless host: serves the built renderer, takes case events on an authenticated
 * loopback endpoint and pushes invitations to the renderer over the bridge. Plain Node, so the
 * Electron main process and a Chromium-kiosk deployment run the very same code.
 */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const log = options.log ?? ((message: string) => console.log(message));
  const context = deviceContextFor(options.hall, options.deviceId);
  const deviceConfig = options.hall.devices.find((d) => d.id === options.deviceId);
  if (deviceConfig?.hostless) {
    throw new Error(`device ${options.deviceId} is host-less in the hall config ("hostless": true): its bundle is for a tablet that talks to the intake alone, not for a host`);
  }
  const caseEventToken = options.caseEventToken ?? deviceConfig?.caseEventToken ?? '';
  // A shared secret the window business system presents on every case event: long enough that
  // guessing it over loopback is out of reach (issue 18; the hall schema still lets tablets' configs pass at 16).
  if (caseEventToken.length < MIN_CASE_EVENT_TOKEN_LENGTH) {
    throw new Error(`the case event token of device ${options.deviceId} has ${caseEventToken.length} characters, at least ${MIN_CASE_EVENT_TOKEN_LENGTH} are needed (make one with: openssl rand -base64 32)`);
  }
  const sessions = createLaunchSessions();
  const CONTENT_SECURITY_POLICY = contentSecurityPolicy(options.hall.intake?.url);
  // A PIN hash the host cannot check stops the start with its reason (it made every PIN wrong).
  const pinHash = deviceConfig?.adminPinHash ?? options.hall.adminPinHash;
  const adminPinGate = pinHash
    ? createPersistentPinGate({ stored: pinHash, ...(options.dataDir ? { file: path.join(options.dataDir, `admin-pin-lockout-${options.deviceId}.json`) } : {}), log })
    : null;

  // On close every connection goes at once: a renderer that keeps reconnecting (or a service worker
  // fetching) must not hold the host open.
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, forceCloseConnections: true });
  const listeningPort = () => {
    const address = app.server.address();
    return typeof address === 'object' && address ? address.port : options.port;
  };
  const isOwnOrigin = (origin: string) => origin === `http://127.0.0.1:${listeningPort()}` || origin === `http://localhost:${listeningPort()}`;

  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) log(`host: internal error ${error.message}`);
    const code = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'body_too_large' : status === 415 ? 'unsupported_media_type' : status === 400 ? 'malformed_body' : 'error';
    return sendError(reply, status, code, status >= 500 ? 'internal error' : error.message);
  });
  app.setNotFoundHandler((request, reply) => {
    if (request.method === 'GET' && !request.url.startsWith('/api/') && options.staticDir) {
      return reply.type('text/html').header('Content-Security-Policy', CONTENT_SECURITY_POLICY).sendFile('index.html');
    }
    return sendError(reply, 404, 'not_found', `no route for ${request.method} ${request.url.split('?')[0]}`);
  });

  await app.register(fastifyWebsocket, {
    options: { maxPayload: 64 * 1024 },
    // Closing the host drops bridge sockets without waiting for a close handshake the page may never answer.
    preClose(done) {
      for (const client of app.websocketServer.clients) client.terminate();
      app.websocketServer.close(() => done());
    },
  });
  // After the WebSocket plugin's own onRequest hook, which marks an upgrade so a refused one is closed.
  // DNS rebinding: a page whose name now resolves to 127.0.0.1 is same-origin with itself, not with
  // us. Every route, the bridge's upgrade and the 404 answer only this host's own names.
  app.addHook('onRequest', async (request, reply) => {
    if (!isOwnHost(request.headers.host, listeningPort())) return sendError(reply, 403, 'forbidden_host', 'this host answers only to 127.0.0.1 and localhost on its own port');
  });
  // A 202 is a promise: each accepted case event is on disk before it is answered, and what the
  // page has not acknowledged is handed to it again after a restart.
  const journal = options.dataDir ? openInvitationJournal(path.join(options.dataDir, `invitations-${options.deviceId}.jsonl`), { log }) : null;
  if (!journal) log('host: no data directory, so accepted case events live in memory only');
  const queue = new InvitationQueue(undefined, undefined, journal);
  if (queue.pending().length > 0) log(`host: ${queue.pending().length} invitation(s) from before the restart wait for the rating screen`);
  let screen: ScreenName = 'idle';
  // The window business system's latest staff login or logout, repeated to renderers that connect.
  let staffMessage: HostMessage | null = null;
  const now = Date.now;
  let ignoredPresses = 0;
  // One press per rating screen, rate-limited, and none taken while no rating page is connected.
  const pressGate = createPressGate(() => performance.now());
  const setScreen = (name: ScreenName) => {
    pressGate.screen(name);
    if (name === screen) return;
    screen = name;
    const command = COMMAND_FOR_SCREEN[name];
    if (command) device?.command(command);
  };
  // The device is created after the bridge (it needs the hub); these closures run only later.
  const deviceStatus = (): DeviceStatusMessage | null => {
    if (!device) return null;
    const status = device.status();
    return { ...status, counters: { ...status.counters, ignoredPresses } };
  };
  const hub = createBridgeHub({
    queue,
    context: () => context,
    log,
    onScreen: setScreen,
    onConnections: (count) => {
      pressGate.connections(count);
      // The last rating page went away: nobody is being asked to rate, whatever it showed.
      if (count === 0) setScreen('idle');
    },
    // The lockout lives beside the journal: a restart gives no fresh tries.
    ...(adminPinGate ? { attemptPin: adminPinGate.attempt } : {}),
    onAdminAction: (action) => {
      log(`admin: ${action}`);
      if (action === 'exitKiosk') options.onExitKiosk?.();
      else device?.command('selfTest');
    },
    greeting: () => {
      const status = deviceStatus();
      return [...(status ? [{ type: 'deviceStatus' as const, status }] : []), ...(staffMessage ? [staffMessage] : [])];
    },
  });
  bridgeRoute(app, { hub, sessions, isOwnOrigin, log });
  // The launch link: a one-time code becomes this browser's HttpOnly, SameSite=Strict session, and
  // the page gets its bridge token in the fragment (where no server log or Referer sees it). A used
  // link opened again in the browser that holds the session just opens the page.
  app.get<{ Querystring: { code?: string } }>('/launch', async (request, reply) => {
    void reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer');
    const fresh = typeof request.query.code === 'string' ? sessions.redeem(request.query.code) : null;
    const session = fresh ?? sessions.fromCookieHeader(request.headers.cookie);
    if (!session) return sendError(reply, 403, 'launch_link_used', 'this launch link was used or has expired: restart the host for a new one');
    if (fresh) void reply.header('Set-Cookie', sessions.setCookie(fresh));
    return reply.redirect(`/#token=${session.bridgeToken}`, 303);
  });
  const device: RatingDevice | undefined = options.createDevice?.({
    onPress: (press) => {
      // Only an armed rating screen takes a press; anything else is counted, never turned into a
      // rating, and with no rating page at all the device is told the press was not taken.
      const verdict = pressGate.decide();
      if (verdict.kind === 'refused') return 'nak';
      if (verdict.kind === 'ignored') ignoredPresses++;
      else hub.broadcast({ type: 'devicePress', level: press.level, method: 'serial', durationMs: press.durationMs });
      return 'ack';
    },
    onStatus: () => {
      // The driver reports only changes of what the panel shows; counters ride along.
      const status = deviceStatus();
      if (status) hub.broadcast({ type: 'deviceStatus', status });
    },
  });
  await app.register(caseEventRoute, {
    queue,
    context: () => context,
    caseEventToken,
    isOwnOrigin,
    onInvitation: (invitation) => hub.broadcast({ type: 'invitation', invitation }),
    staffEventsAccepted: context.policies.staffPairing !== 'pairing-code',
    onStaffEvent: (event) => {
      const atMs = now();
      staffMessage = { type: 'staffSession', session: event.event === 'login' ? { staff: event.staff, pairedAtMs: atMs, via: 'login-event' } : null, atMs };
      log(`host: staff ${event.event === 'login' ? 'signed in' : 'signed out'} by the window business system`);
      hub.broadcast(staffMessage);
    },
  });
  app.get('/api/health', async () => ({
    ok: true,
    deviceId: context.device.id,
    rendererConnections: hub.connections(),
    unacked: queue.pending().length,
    ratingDevice: deviceStatus(),
  }));

  if (options.staticDir) {
    if (!existsSync(path.join(options.staticDir, 'index.html'))) {
      throw new Error(`no built renderer in ${options.staticDir}: run "npm run build" first`);
    }
    await app.register(fastifyStatic, {
      root: path.resolve(options.staticDir),
      setHeaders: (reply) => void reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY),
    });
  }

  try {
    await app.listen({ host: '127.0.0.1', port: options.port });
  } catch (error) {
    journal?.close();
    throw error;
  }
  // Compacted at every start: bounded, free of acknowledged invitations' case data, ending in a whole line.
  queue.compactJournal();
  device?.start();
  const origin = `http://127.0.0.1:${listeningPort()}`;
  const launchUrl = () => `${origin}/launch?code=${sessions.mintCode()}`;
  return {
    origin,
    launchUrl,
    get appUrl() {
      return launchUrl();
    },
    caseEventToken,
    context,
    app,
    hub,
    close: async () => {
      await device?.stop();
      await app.close();
      journal?.close();
    },
  };
}
