import type { RendererMessage } from '../../contract/bridgeMessages';
import { handleHostMessage, type Bridge } from './bridge';

/** What the Electron preload exposes on `window.evaluatorBridge` (electron/preloadApi.ts). */
export interface PreloadBridgeApi {
  send(message: unknown): void;
  /** Messages that arrived before the first listener are replayed to it, in order. */
  onMessage(listener: (message: unknown) => void): () => void;
}

declare global {
  interface Window {
    evaluatorBridge?: PreloadBridgeApi;
  }
}

/** Bridge to the Electron main process over the preload's IPC channel. */
export function createIpcBridge(api: PreloadBridgeApi): Bridge {
  let unsubscribe: (() => void) | null = null;
  return {
    transport: 'ipc',
    start(listener) {
      unsubscribe = api.onMessage((raw) => handleHostMessage(raw, listener));
      // IPC has no connection to lose: the main process lives as long as this window.
      listener.onConnectionChange(true);
    },
    send(message: RendererMessage) {
      api.send(message);
    },
    stop() {
      unsubscribe?.();
      unsubscribe = null;
    },
  };
}
