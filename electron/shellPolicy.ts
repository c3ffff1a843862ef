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
