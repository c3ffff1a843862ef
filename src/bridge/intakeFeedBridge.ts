import type { RendererMessage } from '../../contract/bridgeMessages';
import { DEVICE_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../contract/intakeApi';
import { InvitationSchema } from '../../contract/invitation';
import type { Bridge, BridgeListener } from './bridge';

const MAX_RECONNECT_DELAY_MS = 30_000;

export interface IntakeFeedOptions {
  /** The intake's base URL (the hall config's intake.url). */
  intakeUrl: string;
  deviceId: string;
  /** Signs `${timestampMs}.${body}` with the device key (src/device/deviceKey.ts signRequest). */
  sign(timestampMs: number, body: string): Promise<string>;
  now(): number;
  EventSourceImpl?: typeof EventSource;
  fetchImpl?: typeof fetch;
}

/**
 * Host-less tablet mode: invitations come from the intake's Server-Sent Events feed
 * (intake/invitationFeed.ts) instead of a local host. EventSource cannot send headers, so the
 * feed is signed in the query; each reconnection signs afresh (a stale timestamp is refused).
 * Acknowledged invitations are forgotten by the intake; unacknowledged ones come again on
 * every connection, and the flow store ignores one it already has.
 */
export function createIntakeFeedBridge(options: IntakeFeedOptions): Bridge {
  const base = options.intakeUrl.replace(/\/+$/, '');
  const device = encodeURIComponent(options.deviceId);
  const feedPath = `/v1/devices/${device}/invitations`;
  const EventSourceImpl = options.EventSourceImpl ?? EventSource;
  const fetchImpl = options.fetchImpl ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  let source: EventSource | null = null;
  let stopped = true;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  async function connect(listener: BridgeListener): Promise<void> {
    if (stopped) return;
    const ts = options.now();
    const sig = await options.sign(ts, `GET ${feedPath}`);
    if (stopped) return;
    const es = new EventSourceImpl(`${base}${feedPath}?ts=${ts}&sig=${encodeURIComponent(sig)}`);
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
    es.onerror = () => {
      // The browser would retry with the same (soon stale) signature: reconnect ourselves.
      es.close();
      if (source === es) source = null;
      listener.onConnectionChange(false);
      if (stopped) return;
      const delay = Math.min(MAX_RECONNECT_DELAY_MS, 500 * 2 ** attempt++);
      retryTimer = setTimeout(() => void connect(listener), delay);
    };
  }

  async function ack(invitationId: string): Promise<void> {
    const path = `${feedPath}/${encodeURIComponent(invitationId)}/ack`;
    const ts = options.now();
    const signature = await options.sign(ts, `POST ${path}`);
    await fetchImpl(`${base}${path}`, {
      method: 'POST',
      headers: { [DEVICE_ID_HEADER]: options.deviceId, [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: signature },
    }).catch(() => undefined); // Unacknowledged invitations are simply sent again.
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
