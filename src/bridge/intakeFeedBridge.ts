import type { RendererMessage } from '../../contract/bridgeMessages';
import { FeedTicketResponseSchema } from '../../contract/intakeApi';
import { InvitationSchema } from '../../contract/invitation';
import { createSignedFetch, memoryClock, type IntakeClock, type RequestSigner } from '../sync/signedRequest';
import type { Bridge, BridgeListener } from './bridge';

const MAX_RECONNECT_DELAY_MS = 30_000;

export interface IntakeFeedOptions {
  /** The intake's base URL (the hall config's intake.url). */
  intakeUrl: string;
  deviceId: string;
  /** Signs `${timestampMs}.${payload}` with the device key (src/device/deviceKey.ts signRequest). */
  sign: RequestSigner;
  /** The device's clock. */
  now(): number;
  /** The measured offset to the intake's clock (the sync engine's); kept in memory when not given. */
  clock?: IntakeClock;
  EventSourceImpl?: typeof EventSource;
  fetchImpl?: typeof fetch;
}

/**
 * Host-less tablet mode: invitations come from the intake's Server-Sent Events feed
 * (intake/routes/feed.ts) instead of a local host. EventSource cannot sign its request, so each
 * connection first asks for a single-use ticket with a signed request and opens the feed with
 * it; a reconnection asks for a new one. The intake keeps one feed per device: when a newer
 * connection replaces this one (another tab), it waits longer before taking the feed back.
 * Acknowledged invitations are forgotten by the intake; unacknowledged ones come again on every
 * connection, and the flow store ignores one it already has.
 */
export function createIntakeFeedBridge(options: IntakeFeedOptions): Bridge {
  const base = options.intakeUrl.replace(/\/+$/, '');
  const device = encodeURIComponent(options.deviceId);
  const feedPath = `/v1/devices/${device}/invitations`;
  const EventSourceImpl = options.EventSourceImpl ?? EventSource;
  const fetchImpl = options.fetchImpl ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const signedFetch = createSignedFetch({ baseUrl: base, deviceId: options.deviceId, sign: options.sign, now: () => options.now(), clock: options.clock ?? memoryClock(), fetch: fetchImpl });
  let source: EventSource | null = null;
  let stopped = true;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  function retryLater(listener: BridgeListener, delay = Math.min(MAX_RECONNECT_DELAY_MS, 500 * 2 ** attempt++)): void {
    if (stopped) return;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void connect(listener), delay);
  }

  async function ticket(): Promise<string | null> {
    try {
      const { response } = await signedFetch('POST', `/v1/devices/${device}/feed-tickets`);
      if (response.status !== 201) return null;
      const parsed = FeedTicketResponseSchema.safeParse(await response.json());
      return parsed.success ? parsed.data.ticket : null;
    } catch {
      return null;
    }
  }

  async function connect(listener: BridgeListener): Promise<void> {
    if (stopped) return;
    const issued = await ticket();
    if (stopped) return;
    if (!issued) return retryLater(listener);
    const es = new EventSourceImpl(`${base}${feedPath}?ticket=${encodeURIComponent(issued)}`);
    source = es;
    es.onopen = () => {
      attempt = 0;
      listener.onConnectionChange(true);
    };
    es.addEventListener('invitation', (event) => {
      let raw: unknown;
      try {
        raw = JSON.parse(String((event as MessageEvent).data));
      } catch {
        listener.onProtocolError('intake feed sent an invitation that is not JSON');
        return;
      }
      const parsed = InvitationSchema.safeParse(raw);
      if (parsed.success) listener.onInvitation(parsed.data);
      else listener.onProtocolError(`intake feed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    });
    const drop = (delay?: number) => {
      es.close();
      if (source === es) source = null;
      listener.onConnectionChange(false);
      retryLater(listener, delay);
    };
    // Another connection of this device took the feed: do not snatch it straight back.
    es.addEventListener('replaced', () => drop(MAX_RECONNECT_DELAY_MS));
    // The browser would retry with the same (used) ticket: reconnect ourselves with a new one.
    es.onerror = () => drop();
  }

  async function ack(invitationId: string): Promise<void> {
    // Unacknowledged invitations are simply sent again.
    await signedFetch('POST', `${feedPath}/${encodeURIComponent(invitationId)}/ack`).catch(() => undefined);
  }

  return {
    transport: 'none',
    start(listener) {
      stopped = false;
      void connect(listener);
    },
    send(message: RendererMessage) {
      if (message.type === 'ack') void ack(message.invitationId);
      // Screen changes and admin requests have no host to go to on a tablet.
    },
    stop() {
      stopped = true;
      clearTimeout(retryTimer);
      source?.close();
      source = null;
    },
  };
}
