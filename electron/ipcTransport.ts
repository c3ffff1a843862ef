import type { BridgeConnection, BridgeHub } from '../host/bridgeHub';
import { TO_HOST, TO_RENDERER } from './preloadApi';

export interface IpcMainLike {
  on(channel: string, listener: (event: { sender: unknown }, message: unknown) => void): unknown;
}

export interface WebContentsLike {
  send(channel: string, message: unknown): void;
  on(event: 'did-finish-load' | 'destroyed', listener: () => void): unknown;
}

/**
 * The IPC transport of the bridge on the main-process side: each page load of the kiosk window
 * is one connection to the hub; only messages from that window's webContents are accepted.
 */
export function attachIpcBridge(hub: BridgeHub, ipcMain: IpcMainLike, contents: WebContentsLike): void {
  let connection: BridgeConnection | null = null;
  contents.on('did-finish-load', () => {
    connection?.close();
    connection = hub.connect((message) => contents.send(TO_RENDERER, message));
  });
  contents.on('destroyed', () => {
    connection?.close();
    connection = null;
  });
  ipcMain.on(TO_HOST, (event, message) => {
    if (event.sender === contents) connection?.receive(message);
  });
}
