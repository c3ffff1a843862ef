import type { Bridge } from './bridge';
import { createIpcBridge, type PreloadBridgeApi } from './ipcBridge';
import { createWebSocketBridge } from './webSocketBridge';

const TOKEN_KEY = 'bridgeToken';

/**
 * Picks the transport for this launch: the Electron preload's IPC when present, else the
 * headless host's WebSocket. The host opens the app as `/#token=…`; the token is moved to
 * sessionStorage and removed from the address bar so it does not linger in history.
 */
export function selectBridge(location: Location, storage: Storage, history: History, preload?: PreloadBridgeApi): Bridge | null {
  if (preload) return createIpcBridge(preload);
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    storage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', location.pathname + location.search);
  }
  const token = storage.getItem(TOKEN_KEY);
  if (!token) return null;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return createWebSocketBridge(`${scheme}//${location.host}/bridge?token=${encodeURIComponent(token)}`);
}
