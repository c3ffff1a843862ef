import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { attachIpcBridge, isMainFrame } from './ipcTransport';
import { TO_HOST } from './preloadApi';
import { watchRenderer } from './rendererWatchdog';
import { isAllowedNavigation, isPermissionAllowed, refuseDeviceChoosers } from './shellPolicy';

describe('kiosk shell policy', () => {
  const app = 'http://127.0.0.1:40123';
  it.each([
    [`${app}/`, true],
    [`${app}/#token=x`, true],
    ['http://127.0.0.1:40124/', false],
    ['http://localhost:40123/', false],
    ['https://evil.example/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('navigation to %s allowed: %s', (url, allowed) => expect(isAllowedNavigation(url, app)).toBe(allowed));

  it('denies every web permission, serial and HID included', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'serial', 'hid', 'usb', 'clipboard-read', 'openExternal']) {
      expect(isPermissionAllowed(permission)).toBe(false);
    }
  });
});

describe('renderer watchdog', () => {
  function rig() {
    const contents = Object.assign(new EventEmitter(), { reloads: 0, crashes: 0, reload() { this.reloads++; }, forcefullyCrashRenderer() { this.crashes++; } });
    const timers: Array<{ fn: () => void; ms: number; cleared: boolean }> = [];
    let clock = 0;
    watchRenderer(contents, {
      log: () => undefined,
      now: () => clock,
      setTimer: (fn, ms) => {
        const timer = { fn, ms, cleared: false };
        timers.push(timer);
        return timer;
      },
      clearTimer: (handle) => {
        (handle as { cleared: boolean }).cleared = true;
      },
    });
    const fire = () => timers.splice(0).forEach((t) => !t.cleared && t.fn());
    return { contents, timers, fire, tick: (ms: number) => (clock += ms) };
  }

  it('reloads a crashed renderer, backing off when it keeps crashing', () => {
    const { contents, timers, fire, tick } = rig();
    contents.emit('render-process-gone', {}, { reason: 'crashed' });
    contents.emit('render-process-gone', {}, { reason: 'oom' });
    contents.emit('render-process-gone', {}, { reason: 'killed' });
    expect(timers.map((t) => t.ms)).toEqual([500, 1000, 2000]);
    fire();
    expect(contents.reloads).toBe(3);
    tick(61_000);
    contents.emit('render-process-gone', {}, { reason: 'crashed' });
    expect(timers.map((t) => t.ms)).toEqual([500]);
    contents.emit('render-process-gone', {}, { reason: 'clean-exit' });
    expect(timers).toHaveLength(1);
  });

  it('crashes and reloads a renderer that stays hung past the grace period, not one that recovers', () => {
    const { contents, timers, fire } = rig();
    contents.emit('unresponsive');
    contents.emit('responsive');
    fire();
    expect(contents.reloads).toBe(0);
    contents.emit('unresponsive');
    contents.emit('unresponsive');
    expect(timers.filter((t) => !t.cleared)).toHaveLength(1);
    fire();
    expect([contents.crashes, contents.reloads]).toEqual([1, 1]);
  });

  it('reloads once per crash: the render-process-gone its own hang crash causes is not reloaded again', () => {
    const { contents, timers, fire } = rig();
    contents.emit('unresponsive');
    fire();
    contents.emit('render-process-gone', {}, { reason: 'killed' });
    fire();
    expect([contents.crashes, contents.reloads]).toEqual([1, 1]);
    expect(timers).toHaveLength(0);
    // A later crash of its own is reloaded as usual.
    contents.emit('render-process-gone', {}, { reason: 'crashed' });
    fire();
    expect(contents.reloads).toBe(2);
  });
});

describe('IPC and device choosers', () => {
  it('takes bridge messages only from the kiosk page\'s main frame', () => {
    const ipcMain = new EventEmitter();
    const contents = Object.assign(new EventEmitter(), { send: () => undefined, mainFrame: { processId: 3, routingId: 1 } });
    const received: unknown[] = [];
    const hub = { connect: () => ({ deliver: () => undefined, receive: (m: unknown) => received.push(m), close: () => undefined }), broadcast: () => undefined, connections: () => 1 };
    attachIpcBridge(hub, ipcMain, contents);
    contents.emit('did-finish-load');
    ipcMain.emit(TO_HOST, { sender: contents, senderFrame: { processId: 3, routingId: 1 } }, 'main');
    ipcMain.emit(TO_HOST, { sender: contents, senderFrame: { processId: 3, routingId: 5 } }, 'iframe');
    ipcMain.emit(TO_HOST, { sender: contents, senderFrame: { processId: 9, routingId: 1 } }, 'other process');
    ipcMain.emit(TO_HOST, { sender: contents }, 'no frame');
    ipcMain.emit(TO_HOST, { sender: {}, senderFrame: { processId: 3, routingId: 1 } }, 'other window');
    expect(received).toEqual(['main']);
    expect(isMainFrame(null, contents.mainFrame)).toBe(false);
  });

  it('answers serial, HID and USB choosers with no device, and grants no device permission', () => {
    const session = Object.assign(new EventEmitter(), { deviceHandler: null as ((d: unknown) => boolean) | null, setDevicePermissionHandler(h: (d: unknown) => boolean) { this.deviceHandler = h; } });
    refuseDeviceChoosers(session);
    for (const event of ['select-serial-port', 'select-hid-device', 'select-usb-device']) {
      let prevented = false;
      const chosen: unknown[] = [];
      session.emit(event, { preventDefault: () => (prevented = true) }, { deviceList: [{ deviceId: 'box' }] }, (id?: string) => chosen.push(id));
      expect([event, prevented, chosen]).toEqual([event, true, [undefined]]);
    }
    expect(session.deviceHandler?.({ deviceType: 'hid' })).toBe(false);
  });
});

describe('kiosk display choice', () => {
  it('prefers the configured display, then a secondary one, then the primary', async () => {
    const { chooseKioskDisplay } = await import('./displayChoice');
    const bounds = { x: 0, y: 0, width: 1920, height: 1080 };
    const primary = { id: 1, bounds };
    const second = { id: 2, bounds: { ...bounds, x: 1920 } };
    expect(chooseKioskDisplay([primary, second], primary, 1).id).toBe(1);
    expect(chooseKioskDisplay([primary, second], primary).id).toBe(2);
    expect(chooseKioskDisplay([primary, second], primary, 99).id).toBe(2);
    expect(chooseKioskDisplay([primary], primary).id).toBe(1);
  });
});
