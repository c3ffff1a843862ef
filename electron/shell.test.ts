import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { watchRenderer } from './rendererWatchdog';
import { isAllowedNavigation, isPermissionAllowed } from './shellPolicy';

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
