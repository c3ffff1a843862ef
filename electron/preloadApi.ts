/** The IPC channels of the bridge between the Electron main process and the renderer. */
export const TO_HOST = 'bridge:to-host';
export const TO_RENDERER = 'bridge:to-renderer';

/** The slice of Electron's ipcRenderer the preload uses (a fake in tests). */
export interface IpcRendererLike {
  send(channel: string, message: unknown): void;
  on(channel: string, listener: (event: unknown, message: unknown) => void): unknown;
}

/**
 * What the preload exposes to the page as `window.evaluatorBridge`: two functions, no Electron
 * objects. Messages that arrive before the page subscribes are kept and replayed in order, so
 * the main process may greet the page as soon as it has loaded.
 */
export function createPreloadApi(ipc: IpcRendererLike) {
  const early: unknown[] = [];
  let listener: ((message: unknown) => void) | null = null;
  ipc.on(TO_RENDERER, (_event, message) => (listener ? listener(message) : early.push(message)));
  return {
    send(message: unknown): void {
      ipc.send(TO_HOST, message);
    },
    onMessage(next: (message: unknown) => void): () => void {
      listener = next;
      for (const message of early.splice(0)) next(message);
      return () => {
        if (listener === next) listener = null;
      };
    },
  };
}
