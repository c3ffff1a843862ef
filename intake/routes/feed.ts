import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import { FeedQuerySchema } from '../../contract/adminApi';
import { FEED_TICKET_TTL_MS, IntakeCaseEventSchema } from '../../contract/intakeApi';
import type { Invitation } from '../../contract/invitation';
import type { createInvitationFeed } from '../feed/invitationFeed';
import { openedBefore, type FeedOpened } from '../feed/invitationBus';
import type { ChainAudit } from '../integrity/chainAudit';
import type { DeviceStore, RequestStore } from '../store/store';
import { bearerMatches } from '../security/secrets';
import { signedByDevice, type Authenticate } from './deviceSignature';
import { parseBody, parseQuery, sendError } from './http';

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Invitations for PADs without a host: the window business system posts case events here, the
 * PAD holds a Server-Sent Events feed open and acknowledges each invitation it stored.
 * EventSource cannot sign its request, so the PAD first asks (signed) for a ticket that opens its
 * feed once, within 30 seconds; one feed per device is live, a new one closes the one before.
 */
export function registerFeedRoutes(
  app: FastifyInstance,
  deps: {
    authenticate: Authenticate;
    feed: ReturnType<typeof createInvitationFeed>;
    /** Per device: the token a window business system presents to post case events for it. */
    caseEventTokens: ReadonlyMap<string, string>;
    /** Whether a browser origin may read the feed (CORS). */
    originAllowed: (origin: string) => boolean;
    /** The device's hall, as enrolment made it. */
    devices: Pick<DeviceStore, 'currentKey'>;
    /** Where a case event naming another hall is recorded (and its device flagged). */
    chain: Pick<ChainAudit, 'note'>;
    /** Where feed tickets are kept (their hashes), so any intake node sharing the database honours them. */
    requests: Pick<RequestStore, 'addFeedTicket' | 'redeemFeedTicket'>;
    now: () => number;
  },
): void {
  const { authenticate, feed, caseEventTokens, originAllowed, devices, chain, requests, now } = deps;

  app.post('/v1/devices/:deviceId/case-events', async (request, reply) => {
    const { deviceId } = request.params as { deviceId: string };
    if (!bearerMatches(request, caseEventTokens, deviceId)) {
      return sendError(reply, 401, 'unauthorized', 'a valid case event token for this device is required');
    }
    const event = parseBody(IntakeCaseEventSchema, request, reply, 'invalid_case_event', 'the case event');
    if (!event) return reply;
    if (event.hallCode !== undefined) {
      const hallCode = (await devices.currentKey(deviceId))?.hallCode;
      if (hallCode != null && hallCode !== event.hallCode) {
        await chain.note(deviceId, 'wrong_hall', null, null, `a case event for hall ${event.hallCode} was posted; the device is in hall ${hallCode}`);
        return sendError(reply, 422, 'wrong_hall', 'the case event names another hall than the device\'s');
      }
    }
    const { invitation, created } = await feed.post(deviceId, event);
    return reply.code(created ? 202 : 200).send({ status: created ? 'queued' : 'duplicate', invitationId: invitation.id });
  });

  // A hijacked feed is never idle, so server.close() would wait on it for ever: closing ends each one.
  // One live feed per device, whichever node holds it: a new one ends the one before (whoever held
  // it, held it no longer). Nodes hear of each other's feeds through the bus, ordered by its clock.
  type HeldFeed = { res: ServerResponse; feedId: string; at: number };
  const openFeeds = new Map<string, HeldFeed>();
  /** The newest feed of each device heard of, here or on another node. */
  const newest = new Map<string, Omit<FeedOpened, 'deviceId'>>();
  const replace = (held: HeldFeed) => held.res.end('event: replaced\ndata: {}\n\n');
  const stopHearing = feed.onOpened(({ deviceId, feedId, at }) => {
    const known = newest.get(deviceId);
    if (!known || openedBefore(known, { feedId, at })) newest.set(deviceId, { feedId, at });
    const held = openFeeds.get(deviceId);
    if (held && held.feedId !== feedId && openedBefore(held, { feedId, at })) {
      openFeeds.delete(deviceId);
      // Said before it ends, so the device holding it does not snatch it straight back.
      replace(held);
    }
  });
  // Feeds opened elsewhere while this node could not hear went unheard: each held feed ends
  // (plainly, not 'replaced'), and its device opens one again, which every node hears.
  const stopHearingAgain = feed.onHeardAgain(() => {
    newest.clear();
    for (const [deviceId, held] of openFeeds) {
      openFeeds.delete(deviceId);
      held.res.end();
    }
  });
  app.addHook('preClose', (done) => {
    stopHearing();
    stopHearingAgain();
    for (const held of openFeeds.values()) held.res.end();
    done();
  });

  app.post('/v1/devices/:deviceId/feed-tickets', async (request, reply) => {
    const { deviceId } = request.params as { deviceId: string };
    if (!(await signedByDevice(authenticate, request, reply, deviceId))) return reply;
    const ticket = randomBytes(32).toString('base64url');
    const at = now();
    await requests.addFeedTicket(sha256Hex(ticket), deviceId, at + FEED_TICKET_TTL_MS, at);
    return reply.code(201).header('cache-control', 'no-store').send({ ticket, expiresAtMs: at + FEED_TICKET_TTL_MS, serverTimeMs: at });
  });

  app.get('/v1/devices/:deviceId/invitations', async (request, reply) => {
    const { deviceId } = request.params as { deviceId: string };
    const query = parseQuery(FeedQuerySchema, request, reply);
    if (!query) return reply;
    if (!(await requests.redeemFeedTicket(sha256Hex(query.ticket), deviceId, now()))) {
      return sendError(reply, 401, 'bad_ticket', 'open the feed with a fresh ticket from POST /v1/devices/{deviceId}/feed-tickets');
    }
    // Listen before reading what is pending, so an invitation posted in between is not missed.
    const early: Invitation[] = [];
    let live: ((invitation: Invitation) => void) | null = null;
    const unsubscribe = feed.subscribe(deviceId, (invitation) => (live ? live(invitation) : early.push(invitation)));
    let pending: Invitation[];
    const feedId = randomUUID();
    let at: number;
    try {
      pending = await feed.pending(deviceId);
      at = await feed.opened(deviceId, feedId);
    } catch (error) {
      unsubscribe();
      throw error;
    }
    reply.hijack();
    const res = reply.raw;
    const origin = request.headers.origin;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      ...(origin && originAllowed(origin) ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {}),
    });
    res.flushHeaders();
    const mine: HeldFeed = { res, feedId, at };
    const known = newest.get(deviceId);
    if (known && known.feedId !== feedId && openedBefore(mine, known)) {
      // A newer feed of this device opened elsewhere while this one was being opened.
      unsubscribe();
      replace(mine);
      return reply;
    }
    const before = openFeeds.get(deviceId);
    openFeeds.set(deviceId, mine);
    if (before) replace(before);
    const send = (invitation: Invitation) => res.write(`event: invitation\ndata: ${JSON.stringify(invitation)}\n\n`);
    const sent = new Set(pending.map((invitation) => invitation.id));
    pending.forEach(send);
    early.filter((invitation) => !sent.has(invitation.id)).forEach(send);
    live = send;
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), 15_000);
    const closed = () => {
      clearInterval(heartbeat);
      unsubscribe();
      if (openFeeds.get(deviceId) === mine) openFeeds.delete(deviceId);
    };
    request.raw.on('close', closed);
    res.on('close', closed);
    return reply;
  });

  app.post('/v1/devices/:deviceId/invitations/:id/ack', async (request, reply) => {
    const { deviceId, id } = request.params as { deviceId: string; id: string };
    if (!(await signedByDevice(authenticate, request, reply, deviceId))) return reply;
    return { acknowledged: await feed.ack(deviceId, id) };
  });
}
