import { describe, expect, it, vi } from 'vitest';
import { NONCE_HEADER, SIGNATURE_HEADER } from '../../contract/requestSignature';
import type { BridgeListener } from './bridge';
import { createIntakeFeedBridge } from './intakeFeedBridge';

/** An EventSource stand-in that records its URL and lets the test fire its events. */
class FakeEventSource {
  static opened: FakeEventSource[] = [];
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  private listeners = new Map<string, Array<(event: { data: string }) => void>>();
  constructor(readonly url: string) {
    FakeEventSource.opened.push(this);
  }
  addEventListener(type: string, listener: (event: { data: string }) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  fire(type: string, data = '{}'): void {
    for (const listener of this.listeners.get(type) ?? []) listener({ data });
  }
  close(): void {
    this.closed = true;
  }
}

const listener = (): BridgeListener => ({
  onContext: () => undefined,
  onInvitation: () => undefined,
  onStaffSession: () => undefined,
  onConnectionChange: () => undefined,
  onDevicePress: () => undefined,
  onDeviceStatus: () => undefined,
  onAdminUnlock: () => undefined,
  onProtocolError: () => undefined,
});

describe('the intake feed on a host-less tablet', () => {
  it('opens the feed with a single-use ticket from a signed request, and asks for a new one to reconnect', async () => {
    vi.useFakeTimers();
    FakeEventSource.opened = [];
    const posts: Array<{ url: string; headers: Record<string, string> }> = [];
    let n = 0;
    const fetchImpl = (async (url: URL | RequestInfo, init?: RequestInit) => {
      posts.push({ url: String(url), headers: init?.headers as Record<string, string> });
      return new Response(JSON.stringify({ ticket: `${'t'.repeat(42)}${++n}`, expiresAtMs: 30_000, serverTimeMs: 0 }), { status: 201 });
    }) as typeof fetch;
    const bridge = createIntakeFeedBridge({
      intakeUrl: 'https://intake.example/',
      deviceId: 'pad-1',
      sign: async () => 'signature',
      now: () => 1_800_000_000_000,
      EventSourceImpl: FakeEventSource as unknown as typeof EventSource,
      fetchImpl,
    });
    bridge.start(listener());
    await vi.waitFor(() => expect(FakeEventSource.opened).toHaveLength(1));
    expect(posts[0]).toMatchObject({ url: 'https://intake.example/v1/devices/pad-1/feed-tickets' });
    expect(posts[0]!.headers[SIGNATURE_HEADER]).toBe('signature');
    expect(posts[0]!.headers[NONCE_HEADER]).toBeDefined();
    expect(FakeEventSource.opened[0]!.url).toBe(`https://intake.example/v1/devices/pad-1/invitations?ticket=${'t'.repeat(42)}1`);
    expect(FakeEventSource.opened[0]!.url).not.toMatch(/sig=|ts=/);

    // Dropped: a new ticket for the reconnection (the used one opens nothing).
    FakeEventSource.opened[0]!.onerror?.();
    await vi.advanceTimersByTimeAsync(600);
    await vi.waitFor(() => expect(FakeEventSource.opened).toHaveLength(2));
    expect(FakeEventSource.opened[1]!.url).toMatch(/ticket=t+2$/);

    // Replaced by another connection of this device: it waits before taking the feed back.
    FakeEventSource.opened[1]!.fire('replaced');
    expect(FakeEventSource.opened[1]!.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(FakeEventSource.opened).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(25_000);
    await vi.waitFor(() => expect(FakeEventSource.opened).toHaveLength(3));
    bridge.stop();
    vi.useRealTimers();
  });
});
