import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { DeviceContext } from '../contract/hallConfig';
import { deviceContextFor, HallConfigSchema } from '../contract/hallConfig';
import type { Invitation } from '../contract/invitation';
import { createBridgeHub } from '../host/bridgeHub';
import { InvitationQueue } from '../host/invitationQueue';
import { createIpcBridge } from '../src/bridge/ipcBridge';
import { attachIpcBridge } from '../electron/ipcTransport';
import { createPreloadApi } from '../electron/preloadApi';

/** A fake ipcMain / ipcRenderer / webContents trio wired like Electron's. */
function fakeElectron() {
  const ipcMain = new EventEmitter();
  const contents = Object.assign(new EventEmitter(), {
    send: (channel: string, message: unknown) => ipcRenderer.emit(channel, {}, structuredClone(message)),
    mainFrame: { processId: 7, routingId: 1 },
  });
  const ipcRenderer = Object.assign(new EventEmitter(), {
    send: (channel: string, message: unknown) => ipcMain.emit(channel, { sender: contents, senderFrame: { processId: 7, routingId: 1 } }, structuredClone(message)),
  });
  return { ipcMain, ipcRenderer, contents };
}

const hall = HallConfigSchema.parse({
  hall: { code: 'h', name: '大厅', regionCode: '340104' },
  windows: [{ no: 'A01', name: '一号窗口', ratingUrl: 'https://example.gov.cn/r' }],
  devices: [{ id: 'dev-1', windowNo: 'A01', kind: 'monitor', caseEventToken: 'token-token-token-1' }],
});
const context: DeviceContext = deviceContextFor(hall, 'dev-1');

describe('bridge over Electron IPC (preload transport)', () => {
  it('greets the page even before it subscribes, delivers invitations, and takes acks and screens back', async () => {
    const { ipcMain, ipcRenderer, contents } = fakeElectron();
    const queue = new InvitationQueue();
    const screens: string[] = [];
    const hub = createBridgeHub({ queue, context: () => context, log: () => undefined, onScreen: (name) => screens.push(name) });
    const queued = queue.enqueue({
      event: 'closed',
      case: { projectNo: 'P-IPC-1', taskCode: 'T1', taskName: '事项', deptName: '部门' },
      staff: { loginName: 'z', name: '张三' },
    });
    if (queued.status !== 'queued') throw new Error('not queued');

    attachIpcBridge(hub, ipcMain, contents);
    const preload = createPreloadApi(ipcRenderer);
    contents.emit('did-finish-load'); // main greets before the page's script has subscribed

    const received: { contexts: DeviceContext[]; invitations: Invitation[]; connected: boolean[]; errors: string[] } = { contexts: [], invitations: [], connected: [], errors: [] };
    const bridge = createIpcBridge(preload);
    bridge.start({
      onContext: (c) => received.contexts.push(c),
      onInvitation: (i) => received.invitations.push(i),
      onConnectionChange: (c) => received.connected.push(c),
      onProtocolError: (e) => received.errors.push(e),
      onDevicePress: () => undefined,
      onDeviceStatus: () => undefined,
      onAdminUnlock: () => undefined,
    });
    expect(received.contexts.map((c) => c.device.id)).toEqual(['dev-1']);
    expect(received.invitations.map((i) => i.case.projectNo)).toEqual(['P-IPC-1']);
    expect(received.connected).toEqual([true]);

    bridge.send({ type: 'screen', name: 'rating' });
    bridge.send({ type: 'ack', invitationId: queued.invitation.id });
    expect(screens).toEqual(['rating']);
    expect(queue.pending()).toEqual([]);

    // Another window's webContents cannot speak for the kiosk page.
    ipcMain.emit('bridge:to-host', { sender: {} }, { type: 'screen', name: 'idle' });
    expect(screens).toEqual(['rating']);

    // A malformed message from the page is dropped by the hub, not acted on.
    bridge.send({ type: 'ack', invitationId: 'not-a-uuid' } as never);
    hub.broadcast({ type: 'invitation', invitation: queued.invitation });
    expect(received.invitations).toHaveLength(2);
    expect(received.errors).toEqual([]);
  });

  it('reconnects on reload and stops delivering when the window is destroyed', () => {
    const { ipcMain, ipcRenderer, contents } = fakeElectron();
    const hub = createBridgeHub({ queue: new InvitationQueue(), context: () => context, log: () => undefined });
    attachIpcBridge(hub, ipcMain, contents);
    const preload = createPreloadApi(ipcRenderer);
    const seen: unknown[] = [];
    preload.onMessage((m) => seen.push(m));
    contents.emit('did-finish-load');
    contents.emit('did-finish-load'); // a reload: the old connection is closed, a new one greets
    expect(hub.connections()).toBe(1);
    expect(seen.filter((m) => (m as { type: string }).type === 'hello')).toHaveLength(2);
    contents.emit('destroyed');
    expect(hub.connections()).toBe(0);
  });
});
