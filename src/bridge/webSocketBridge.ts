import type { RendererMessage } from '../../contract/bridgeMessages';
import { handleHostMessage, type Bridge, type BridgeListener } from './bridge';

const MAX_RECONNECT_DELAY_MS = 5000;

/** Bridge to the headless host over a loopback WebSocket authenticated by a per-launch token. */
export function createWebSocketBridge(url: string): Bridge {
  let socket: WebSocket | null = null;
  let stopped = false;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  function connect(listener: BridgeListener): void {
    if (stopped) return;
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      listener.onConnectionChange(true);
    };
    ws.onmessage = (event) => {
      let raw: unknown;
      try {
        raw = JSON.parse(String(event.data));
      } catch {
        listener.onProtocolError('host sent a message that is not JSON');
        return;
      }
      handleHostMessage(raw, listener);
    };
    ws.onclose = () => {
      if (socket === ws) socket = null;
      listener.onConnectionChange(false);
      if (stopped) return;
      const delay = Math.min(MAX_RECONNECT_DELAY_MS, 250 * 2 ** attempt++);
      retryTimer = setTimeout(() => connect(listener), delay);
    };
  }

  return {
    transport: 'websocket',
    start(listener) {
      stopped = false;
      connect(listener);
    },
    send(message: RendererMessage) {
      // Unsent acks are harmless: the host resends unacknowledged invitations on reconnect.
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    },
    stop() {
      stopped = true;
      clearTimeout(retryTimer);
      socket?.close();
      socket = null;
    },
  };
}
