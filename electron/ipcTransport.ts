import type { BridgeConnection, BridgeHub } from '../host/bridgeHub';
import { TO_HOST, TO_RENDERER } from './preloadApi';

/** A frame as Electron identifies it (WebFrameMain): its renderer process and routing id. */
export interface FrameLike {
  processId: number;
  routingId: number;
}

export interface IpcMainLike {
  on(channel: string, listener: (event: { sender: unknown; senderFrame?: FrameLike | null }, message: unknown) => void): unknown;
}

export interface WebContentsLike {
  send(channel: string, message: unknown): void;
  on(event: 'did-finish-load' | 'destroyed', listener: () => void): unknown;
  readonly mainFrame: FrameLike;
}

/** Only the kiosk page itself, never a frame inside it, speaks to the host. */
export function isMainFrame(frame: FrameLike | null | undefined, main: FrameLike): boolean {
  return !!frame && frame.processId === main.processId && frame.routingId === main.routingId;
}

/**
 * The IPC transport of the bridge on the main-process side: each page load of the kiosk window
 * is one connection to the hub; only messages from that window's main frame are accepted (not
 * from another window, and not from a frame embedded in the page).
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
    if (event.sender === contents && isMainFrame(event.senderFrame, contents.mainFrame)) connection?.receive(message);
  });
}
