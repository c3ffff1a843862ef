import type { DeviceContext } from '../../contract/hallConfig';
import type { Invitation } from '../../contract/invitation';
import type { Level } from '../../contract/ratingCodes';
import type { StaffSession } from '../../contract/staffSession';

/**
 * The key a citizen presses for a level, when the device has keys: a keyboard-wedge evaluator's
 * configured key (hidKeys), digits 1–5 on one without a map or on a serial button box. A touch-only
 * PAD or monitor has no keys to name: null, and no "按键 5" is shown.
 */
export function keyHintFor(level: Level, device: Pick<DeviceContext['device'], 'kind' | 'hidKeys'>, buttonBoxAttached: boolean): string | null {
  if (device.hidKeys) {
    const key = Object.entries(device.hidKeys).find(([, mapped]) => mapped === level)?.[0];
    return key ?? null;
  }
  if (device.kind === 'hid' || device.kind === 'serial' || buttonBoxAttached) return String(level);
  return null;
}

/**
 * Whom the citizen is told they rate: the staff member signed in at the window, the one the idle
 * card showed, else the case event's. The outcome keeps both (staff and signedIn) either way.
 */
export function staffShownFor(invitation: Pick<Invitation, 'staff'>, session: StaffSession | null): { loginName: string; name: string } {
  return session ? session.staff : invitation.staff;
}

/** Data kept in Chinese (hall, window, case names) gets a label in the reader's language, unless they read Chinese. */
export function readsChinese(language: string): boolean {
  return language === 'zh-CN' || language === 'zh-TW';
}
