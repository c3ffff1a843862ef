/**
 * The kiosk window's security decisions, as plain functions the Electron entry wires in and
 * tests check without Electron.
 */

/** Only the evaluator's own origin may be shown; everything else is refused. */
export function isAllowedNavigation(url: string, appOrigin: string): boolean {
  try {
    return new URL(url).origin === appOrigin;
  } catch {
    return false;
  }
}

/**
 * Web permissions the renderer may have: none. The rating device is driven from the main
 * process through node-serialport, so even Web Serial/HID stay closed; keyboard-wedge
 * evaluators need no permission at all.
 */
export function isPermissionAllowed(_permission: string): boolean {
  return false;
}

/** The slice of an Electron session the device-chooser refusal needs (a fake in tests). */
export interface DeviceChooserSession {
  on(event: 'select-serial-port' | 'select-hid-device' | 'select-usb-device', listener: (event: { preventDefault(): void }, details: unknown, callback: (id?: string) => void) => void): unknown;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
}

/**
 * Web Serial, HID and USB choosers are answered "none" explicitly (an unhandled
 * chooser is Electron's default, which may pick the first device), and no device permission is
 * ever granted: the button box belongs to the main process.
 */
export function refuseDeviceChoosers(session: DeviceChooserSession): void {
  for (const event of ['select-serial-port', 'select-hid-device', 'select-usb-device'] as const) {
    session.on(event, (e, _details, callback) => {
      e.preventDefault();
      callback();
    });
  }
  session.setDevicePermissionHandler(() => false);
}
