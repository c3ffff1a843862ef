import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { BATCH_MAX_BYTES } from '../contract/intakeApi';
import { SIGNED_REQUEST_HEADERS } from '../contract/requestSignature';
import type { StaffDirectory } from '../contract/staffSession';
import type { Person } from '../contract/people';
import type { Dispatcher } from '../contract/tickets';
import { createDeviceAuth } from './devices/deviceAuth';
import { createEnrolment, type EnrolmentToken } from './devices/enrolment';
import { loadSealingKeys } from './devices/sealingKeys';
import { localInvitationBus, type InvitationBus } from './feed/invitationBus';
import { createInvitationFeed } from './feed/invitationFeed';
import { createFollowups } from './followups/followups';
import { createWorkingDays, DEFAULT_CALENDAR_FILE, loadCalendar, type WorkingCalendar } from './followups/workingDays';
import { createBatchIngest } from './ingest/batchIngest';
import { createReadmission } from './ingest/readmission';
import { createChainAudit } from './integrity/chainAudit';
import { createStoredRecheck } from './integrity/storedRecheck';
import { createPairing } from './pairing/pairing';
import { createStaffLogin } from './pairing/staffLogin';
import { registerAdminRoutes } from './routes/admin';
import { intakeLogger } from './observability/logging';
import { createIntakeMetrics } from './observability/metrics';
import { registerFleetRoutes } from './routes/fleet';
import { registerForwardingRoutes } from './forwarding/forwardingRoutes';
import { forwardingFromEnv, forwardTimingFromEnv } from './forwarding/fromEnv';
import { createFleet } from './fleet/fleet';
import { DEFAULT_FLEET_THRESHOLDS, type FleetThresholds } from './fleet/fleetRules';
import { registerDashboardRoutes } from './routes/dashboard';
import { registerDashboardPages, registerEvaluatorPages } from './routes/dashboardPages';
import { registerDeviceRoutes } from './routes/devices';
import { registerExportRoutes } from './routes/export';
import { registerFeedRoutes } from './routes/feed';
import { registerFollowupRoutes } from './routes/followups';
import { adminGate, bodyOf, sendError } from './routes/http';
import { registerOutcomeRoutes } from './routes/outcomes';
import { registerPairingRoutes } from './routes/pairing';
import { registerPhoneRoutes, type PhoneOptions } from './routes/phone';
import { phoneChannelCounts } from './phone/channelCounts';
import { registerTicketRoutes } from './routes/tickets';
import { createDispatcherGate } from './tickets/dispatchers';
import { registerWorkRoutes } from './routes/ticketsWork';
import { createSessionLog } from './people/sessionLog';
import { createSignIn } from './people/signIn';
import { DEFAULT_SESSION_LIMITS, type SessionLimits } from './people/sessionRules';
import { DEFAULT_TICKET_POLICY, type TicketPolicy } from './tickets/ticketMachine';
import { createTicketWriter, createTickets } from './tickets/tickets';
import { createEvidenceFiles } from './tickets/evidence';
import { createEarlyRefusal, serverWithEarlyRefusal } from './security/earlyRefusal';
import { JSON_DEPTH_MAX, nestsDeeperThan } from './security/jsonDepth';
import { NUL_MESSAGE, nulPaths } from '../contract/nulText';
import { withoutItemLists } from './security/nulText';
import { withinMs } from './observability/withinMs';
import { isDatabaseUnavailable } from './store/unavailable';
import { databaseRateLimitStore } from './security/rateLimitStore';
import { assertTokenLength, hashedSecretTable, secretTable } from './security/secrets';
import { listenForInvitations } from './store/postgres/invitationBus';
import { openPostgresStore } from './store/postgres/postgresStore';
import { openSqliteStore, type SqliteStore } from './store/sqlite/sqliteStore';
import type { IntakeStore } from './store/store';

export interface IntakeOptions {
  /** The SQLite database file, the default engine (appeal evidence is kept beside it, whichever engine holds the data). */
  dbFile: string;
  /** 0 picks a free port. */
  port: number;
  enrolmentTokens?: EnrolmentToken[];
  /** Browser origins of devices allowed to call the intake (CORS); `http://127.0.0.1:*` allows any port. */
  corsOrigins: string[];
  /** Bearer token for the read-only admin/export routes; without it they are off. At least 32 characters. */
  adminToken?: string;
  /** How long close() lets open requests finish before it drops their connections (default 10 s). */
  closeGraceMs?: number;
  /** Hall code → bearer token for that hall's dashboard routes (a hall manager's credential), at least 32 characters. */
  dashboardTokens?: Record<string, string>;
  /** Per device: the token a window business system presents to post case events for it, at least 32 characters. */
  caseEventTokens?: Record<string, string>;
  /** Device id → SHA-256 (hex) of its case-event token, from npm run provision's intake-case-event-tokens.json. */
  caseEventTokenHashes?: Record<string, string>;
  /** The renderer build (dist/) whose dashboard.html is served at /dashboard and /display; off without it. */
  dashboardAppDir?: string;
  /** The renderer build whose evaluator page (index.html, service worker, assets) host-less tablets load from `/`. */
  evaluatorAppDir?: string;
  /** Staff who may confirm a device's pairing code (login name, name, 工号, photo, password hash). */
  staffDirectory?: StaffDirectory;
  /** The intake's address as staff phones reach it, for the pairing QR; else the address it listens on (never a request's Host header). */
  publicUrl?: string;
  /** Concurrent batch uploads beyond this get 429 + Retry-After. */
  maxInFlightBatches?: number;
  /**
   * Behind a reverse proxy: which proxies to trust for X-Forwarded-For (Fastify's trustProxy),
   * so limits per address see the caller's address, not the proxy's. Off by default.
   */
  trustProxy?: boolean | string | string[];
  /** Requests per minute and address on the unauthenticated routes: enrolment (default 20), pairing confirmations (default 10) and work-queue sign-ins (default 10). */
  rateLimits?: { enrolPerMinute?: number; pairPerMinute?: number; signInPerMinute?: number };
  /**
   * Count those limits in the database, shared by every intake node on it and kept across
   * restarts (one write per limited request). By default on PostgreSQL, where several nodes
   * share the database (counted per node, each would multiply a caller's allowance); on SQLite
   * the one node counts in memory.
   */
  sharedRateLimits?: boolean;
  /** The address to listen on (default 127.0.0.1): the node's own address, or 0.0.0.0, when a proxy on another host reaches it. */
  host?: string;
  /** An event loop stalled longer than this (ms) makes the intake answer 503 + Retry-After until it recovers (default 1000; 0 turns it off). */
  maxEventLoopDelayMs?: number;
  /** When heartbeats raise fleet flags (intake/fleet/fleetRules.ts); defaults there. */
  fleet?: Partial<FleetThresholds>;
  /** How often silent devices are looked for (ms, default 60 s). */
  fleetSweepMs?: number;
  /** Holidays and make-up working days for follow-up deadlines; the bundled 2026 calendar by default. */
  calendar?: WorkingCalendar;
  /** Working days of a 差评 ticket's first contact and of each rectification class (intake/tickets/ticketMachine.ts defaults). */
  ticketPolicy?: Partial<TicketPolicy>;
  /** The systems that dispatch 差评 tickets down (转办通报单) at POST /v1/tickets/dispatched, each with its own token and halls. */
  dispatchers?: Dispatcher[];
  /** The people who work 差评 tickets at /v1/work (manager, handler, reviewer, auditor), with scrypt password hashes. */
  people?: Person[];
  /** 32 bytes that encrypt the work-queue session cookie; a fresh random key at every start by default (sessions end with a restart). */
  sessionKey?: Buffer;
  /** Where appeal evidence files are kept (each under its SHA-256); `evidence` beside the database file by default. */
  evidenceDir?: string;
  /** How long a work-queue session lasts unused and in all (intake/people/sessionRules.ts defaults). */
  sessionLimits?: SessionLimits;
  /** Request log level (pino, one JSON line per request, nothing secret: observability/logging.ts); no request log when absent. */
  logLevel?: string;
  /** Where the request log goes (standard output when absent). */
  logStream?: NodeJS.WritableStream;
  /** This node's name in the metrics (several intake nodes on one database); host name and pid by default. */
  nodeName?: string;
  /** Ratings on the citizen's phone: case-link validity per hall, window-QR limits, the SMS outbox (routes/phone.ts). */
  phone?: PhoneOptions;
  now?: () => number;
  log?: (message: string) => void;
}

/** The data in PostgreSQL instead of the SQLite file: several intake nodes may share the database. */
export interface OnPostgres {
  /** A PostgreSQL connection URL (a secret: it may hold the password). */
  databaseUrl: string;
}

/** A running intake on the engine its options chose. */
export interface StartedIntake {
  origin: string;
  app: FastifyInstance;
  store: IntakeStore;
  close(): Promise<void>;
}

/** A running intake on its SQLite file (no `databaseUrl`). */
export interface RunningIntake extends StartedIntake {
  /** `store.db` is the SQLite connection for tests and tools that read or alter the file directly. */
  store: SqliteStore;
  /** Same as `store.db`. */
  db: SqliteStore['db'];
}

const onSqlite = (store: IntakeStore): store is SqliteStore => store.engine === 'sqlite';

/** Which browser origins may call the intake: exact origins, or `scheme://host:*` for any port. */
function originMatcher(patterns: string[]): (origin: string) => boolean {
  const matchers = patterns.map((pattern) =>
    pattern.endsWith(':*') ? (origin: string) => origin.startsWith(pattern.slice(0, -1)) && /^\d+$/.test(origin.slice(pattern.length - 1)) : (origin: string) => origin === pattern,
  );
  return (origin) => matchers.some((matches) => matches(origin));
}

/**
 * The reference provincial intake: device enrolment, signed batch upload with per-item results,
 * the invitation feed, staff pairing, follow-ups, dashboard and province export, on SQLite (or on
 * PostgreSQL given a connection URL).
 * This file only assembles it: routes are in routes/, rules in their own folders, SQL in store/.
 */
export async function startIntake(options: IntakeOptions & OnPostgres): Promise<StartedIntake>;
export async function startIntake(options: IntakeOptions): Promise<RunningIntake>;
export async function startIntake(options: IntakeOptions & Partial<OnPostgres>): Promise<StartedIntake> {
  const now = options.now ?? Date.now;
  // Forwarding to the province (issue 22): when a stored rating is first sent, and how often the queue runs.
  const forwardTiming = forwardTimingFromEnv(process.env);
  const log = options.log ?? ((m: string) => console.log(m));
  // Credentials too short to resist guessing stop the intake before it opens anything.
  if (options.adminToken !== undefined) assertTokenLength('the admin token', options.adminToken);
  // Plain tokens (a config file) and the hashes npm run provision writes, in one table.
  const caseEventTokens = hashedSecretTable(options.caseEventTokenHashes ?? {}, new Map(secretTable('the case-event token', options.caseEventTokens)));
  const dashboardTokens = secretTable('the dashboard token', options.dashboardTokens);
  const dispatchers = createDispatcherGate(options.dispatchers ?? []);
  const { store, invitationBus } = await openEngine(options, log);
  const enrolment = createEnrolment(store, now);
  await enrolment.addTokens(options.enrolmentTokens ?? []);
  const authenticate = createDeviceAuth(store, now);
  const workingDays = createWorkingDays(options.calendar ?? loadCalendar(DEFAULT_CALENDAR_FILE.pathname));
  const ticketWriter = createTicketWriter(workingDays.deadline, { ...DEFAULT_TICKET_POLICY, ...options.ticketPolicy }, now);
  const followups = createFollowups(store, workingDays, now, ticketWriter);
  const tickets = createTickets(store, ticketWriter, now);
  // 差评 stored before tickets existed get theirs (once; a no-op after).
  await tickets.backfill();
  const sealing = await loadSealingKeys(store.sealingKeys, now);
  const pairing = createPairing(store, now);
  const requireAdmin = adminGate(options.adminToken);
  const originAllowed = originMatcher(options.corsOrigins);

  // Addresses a route's limit already refused are answered before Fastify (security/earlyRefusal.ts).
  const earlyRefusal = createEarlyRefusal(now);
  const behindProxy = options.trustProxy !== undefined && options.trustProxy !== false;
  const app = Fastify({
    logger: options.logLevel ? intakeLogger(options.logLevel, options.logStream) : false,
    bodyLimit: BATCH_MAX_BYTES,
    serverFactory: serverWithEarlyRefusal(earlyRefusal, behindProxy),
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
  });
  // Security headers on every answer: nosniff, no framing, no referrer, and a CSP that allows
  // nothing; the pages (routes/http.ts servePage, routes/dashboardPages.ts) each set their own.
  // Every answer counted by route pattern and status, error answers by their code (GET /metrics).
  const metrics = createIntakeMetrics(options.nodeName ?? `${hostname()}:${process.pid}`, (gauge, message) => log(`intake: metrics: ${gauge} not read: ${message}`));
  metrics.observe(app);
  metrics.gauge('intake_early_refusals', 'Requests answered 429 before routing since start: addresses a route limit had already refused', async () => earlyRefusal.count());
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: { 'default-src': ["'none'"], 'base-uri': ["'none'"], 'form-action': ["'none'"], 'frame-ancestors': ["'none'"] } },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  // Overloaded, the intake says so (503 + Retry-After) rather than leaving every caller waiting.
  const maxEventLoopDelay = options.maxEventLoopDelayMs ?? 1000;
  if (maxEventLoopDelay > 0) {
    await app.register(underPressure, {
      maxEventLoopDelay,
      retryAfter: 5,
      pressureHandler: (_request, reply, type, value) => {
        log(`intake: under pressure (${type} ${String(value)}), answering 503`);
        void sendError(reply.header('Retry-After', '5'), 503, 'overloaded', 'the intake is overloaded; retry after the given seconds');
      },
    });
  }
  // Per-address limits on the routes that ask for them (pairing, enrolment): counted in memory,
  // or in the database when several intake nodes share it.
  await app.register(rateLimit, {
    global: false,
    ...((options.sharedRateLimits ?? store.engine === 'postgres') ? { store: databaseRateLimitStore(store.throttles, now) } : {}),
    errorResponseBuilder: (request, context) => {
      earlyRefusal.remember(request.routeOptions.url ?? request.url, request.ip, context.ttl);
      return Object.assign(new Error(`too many requests from this address; retry in ${context.after}`), { statusCode: context.statusCode, code: 'rate_limited' });
    },
  });
  // Keep the raw body: signatures are over the exact bytes the device sent.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if (nestsDeeperThan(body as string)) {
      done(Object.assign(new Error(`the body nests deeper than ${JSON_DEPTH_MAX} levels`), { statusCode: 400, code: 'malformed_body' }), undefined);
      return;
    }
    try {
      done(null, { raw: body as string, json: JSON.parse(body as string) as unknown });
    } catch {
      const error = Object.assign(new Error('the body is not valid JSON'), { statusCode: 400, code: 'malformed_body' });
      done(error, undefined);
    }
  });
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, _request, reply) => {
    if (error.statusCode === undefined && isDatabaseUnavailable(error)) {
      log(`intake: the database is unavailable: ${error.message}`);
      return sendError(reply.header('Retry-After', '5'), 503, 'unavailable', 'the database is unavailable; retry after the given seconds');
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) log(`intake: internal error ${error.message}`);
    const code =
      error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'body_too_large' : status === 415 ? 'unsupported_media_type' : status === 400 ? 'malformed_body' : status === 429 ? 'rate_limited' : 'error';
    return sendError(reply, status, code, status >= 500 ? 'internal error' : error.message);
  });
  // Text PostgreSQL cannot store is refused where it comes in (security/nulText.ts), on both engines alike.
  app.addHook('preValidation', async (request, reply) => {
    const inUrl = [...nulPaths(request.params ?? {}), ...nulPaths(request.query ?? {})];
    if (inUrl.length > 0) return sendError(reply, 400, 'invalid_query', `${inUrl.join(', ')} ${NUL_MESSAGE}`);
    const json = bodyOf(request)?.json;
    if (json === undefined) return;
    const inBody = nulPaths(withoutItemLists(json, request.routeOptions.config.itemsCheckedOneByOne ?? []));
    if (inBody.length > 0) return sendError(reply, 400, 'malformed_body', `${inBody.join(', ')} ${NUL_MESSAGE}`);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'not_found', `no route for ${request.method} ${request.url.split('?')[0]}`));

  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin && originAllowed(origin)) {
      reply.header('Access-Control-Allow-Origin', origin).header('Vary', 'Origin');
      if (request.method === 'OPTIONS') {
        return reply
          .code(204)
          .header('Access-Control-Allow-Methods', 'GET, POST')
          .header('Access-Control-Allow-Headers', ['content-type', 'authorization', ...SIGNED_REQUEST_HEADERS].join(', '))
          .header('Access-Control-Max-Age', '600')
          .send();
      }
    }
  });

  app.get('/v1/health', async () => ({ ok: true }));
  // For a reverse proxy and an orchestrator: live while the process answers; ready while the
  // database answers too (an overloaded node answers 503 before either, by under-pressure).
  app.get('/v1/health/live', async () => ({ ok: true }));
  app.get('/v1/health/ready', async (_request, reply) => {
    try {
      await withinMs(READY_WITHIN_MS, store.fleet.devices(null, 1));
      return { ok: true };
    } catch (error) {
      // The why goes to the log: the answer is public, and the error names the database's address.
      log(`intake: not ready: ${error instanceof Error ? error.message : String(error)}`);
      return sendError(reply, 503, 'not_ready', 'the database does not answer');
    }
  });
  metrics.route(app, requireAdmin);
  metrics.gauge('intake_fleet_open_flags', 'Fleet flags open now, all devices', async () => (await store.fleet.openFlags(null)).length);
  // The two forwarding gauges come from one read per scrape (prom-client collects them together).
  let depthRead: ReturnType<typeof store.forwarding.queueDepth> | null = null;
  const forwardDepth = () => (depthRead ??= store.forwarding.queueDepth().finally(() => (depthRead = null)));
  metrics.labelledGauge('intake_forward_queue_depth', 'Ratings not yet answered by the province, per destination and state', ['destination', 'state'], async () =>
    (await forwardDepth()).flatMap(({ destination, pending, sending }) => [
      { labels: { destination, state: 'pending' }, value: pending },
      { labels: { destination, state: 'sending' }, value: sending },
    ]),
  );
  metrics.labelledGauge('intake_ticket_state_queue_depth', '差评 ticket states not yet answered upstream, per destination and state', ['destination', 'state'], async () =>
    (await forwardDepth()).flatMap(({ destination, ticketStates }) => [
      { labels: { destination, state: 'pending' }, value: ticketStates.pending },
      { labels: { destination, state: 'sending' }, value: ticketStates.sending },
    ]),
  );
  metrics.labelledGauge('intake_ticket_queue_depth', '差评 tickets not closed, and of those the overdue ones', ['kind'], async () => {
    const { open, overdue } = await store.tickets.queueDepth(now());
    return [
      { labels: { kind: 'open' }, value: open },
      { labels: { kind: 'overdue' }, value: overdue },
    ];
  });
  app.get('/v1/time', async () => ({ serverTimeMs: now() }));
  registerDeviceRoutes(app, { enrolment, sealing, now, enrolPerMinute: options.rateLimits?.enrolPerMinute ?? 20 });
  const ingest = createBatchIngest(store, { followups, now, forwardSettleMs: forwardTiming.settleMs });
  registerOutcomeRoutes(app, { authenticate, ingest, maxInFlight: options.maxInFlightBatches ?? 8, now, onBatch: metrics.batch });
  const chain = createChainAudit(store, now);
  registerFeedRoutes(app, { authenticate, feed: createInvitationFeed(store.invitations, now, invitationBus), caseEventTokens, originAllowed, devices: store.devices, chain, requests: store.requests, now });
  // Known once listening; links shown to staff never come from a request's Host header.
  let origin = '';
  const publicUrl = () => options.publicUrl ?? origin;
  registerPairingRoutes(app, { authenticate, pairing, staffLogin: createStaffLogin(options.staffDirectory ?? [], store, now), publicUrl, now, log, pairPerMinute: options.rateLimits?.pairPerMinute ?? 10 });
  await registerPhoneRoutes(app, { store, authenticate, sealing, workingDays, followups, timeZone: options.calendar?.timeZone ?? 'Asia/Shanghai', publicUrl, now, ...(options.phone ? { options: options.phone } : {}) });
  registerAdminRoutes(app, { store, requireAdmin, pairing, chain, storedRecheck: createStoredRecheck(store), readmit: createReadmission(store, followups, now), ingest, now });
  const fleet = createFleet(store, { ...DEFAULT_FLEET_THRESHOLDS, ...options.fleet }, (deviceId, detail) => chain.note(deviceId, 'wrong_hall', null, null, detail), now);
  registerFleetRoutes(app, { authenticate, fleet, requireAdmin, now });
  // A device that stops sending heartbeats is flagged even when nobody looks at the fleet view.
  const fleetSweep = setInterval(() => void fleet.sweep().catch((error: unknown) => log(`intake: fleet sweep failed: ${String(error)}`)), options.fleetSweepMs ?? 60_000);
  fleetSweep.unref();
  registerFollowupRoutes(app, { requireAdmin, followups, sealing });
  // Appeal evidence beside the database (content-addressed files; the log names their hashes).
  const evidence = createEvidenceFiles(options.evidenceDir ?? path.join(path.dirname(options.dbFile), 'evidence'));
  registerTicketRoutes(app, { requireAdmin, tickets, dispatchers });
  await registerWorkRoutes(app, {
    tickets,
    evidence,
    signIn: createSignIn(options.people ?? [], store.throttles, now),
    sessionLog: createSessionLog(store, now),
    sessionKey: options.sessionKey ?? randomBytes(32),
    secureCookie: options.publicUrl?.startsWith('https:') ?? false,
    limits: options.sessionLimits ?? DEFAULT_SESSION_LIMITS,
    signInPerMinute: options.rateLimits?.signInPerMinute ?? 10,
    now,
  });
  registerExportRoutes(app, { store, requireAdmin });
  registerForwardingRoutes(app, { store, requireAdmin, now });
  // Pushing to the province (issue 22): configured by FORWARD_* environment variables, off when none is set.
  const forwarder = await forwardingFromEnv(store, process.env, now, log);
  forwarder?.start(forwardTiming.intervalMs);
  registerDashboardRoutes(app, {
    dashboard: store.dashboard,
    ...(options.adminToken ? { adminToken: options.adminToken } : {}),
    dashboardTokens,
    channels: phoneChannelCounts(store.phone),
    now,
  });
  if (options.dashboardAppDir) await registerDashboardPages(app, options.dashboardAppDir);
  if (options.evaluatorAppDir) await registerEvaluatorPages(app, options.evaluatorAppDir);

  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  origin = `http://${originHost(host)}:${port}`;
  return {
    origin,
    app,
    store,
    ...(onSqlite(store) ? { db: store.db } : {}),
    async close() {
      // Graceful first: a batch being ingested finishes and is answered. A connection that stays
      // busy past the grace (a client that never finishes its request) must not hold shutdown.
      clearInterval(fleetSweep);
      await forwarder?.stop();
      const closing = app.close();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const graceful = await Promise.race([closing.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), options.closeGraceMs ?? 10_000)))]);
      clearTimeout(timer);
      if (!graceful) {
        log('intake: connections still busy after the close grace; dropping them');
        app.server.closeAllConnections();
        await closing;
      }
      await invitationBus.close();
      await store.close();
    },
  };
}

/**
 * The one place an engine is chosen: SQLite by default, PostgreSQL given a connection URL, where
 * invitations reach the feeds of every node on the database (LISTEN/NOTIFY).
 */
async function openEngine(options: IntakeOptions & Partial<OnPostgres>, log: (message: string) => void): Promise<{ store: IntakeStore; invitationBus: InvitationBus }> {
  if (options.databaseUrl === undefined) return { store: openSqliteStore(options.dbFile), invitationBus: localInvitationBus() };
  const store = await openPostgresStore(options.databaseUrl, { log });
  try {
    return { store, invitationBus: await listenForInvitations(options.databaseUrl, store.pool, store.invitations, log) };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** How long readiness waits for the database: a probe answered late is as good as none. */
const READY_WITHIN_MS = 2000;

/** The host of the node's own origin: a wildcard address is reached on loopback; an IPv6 one goes in brackets. */
export function originHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
