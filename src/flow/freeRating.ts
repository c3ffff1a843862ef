import { v7 as uuidv7 } from 'uuid';
import type { Staff } from '../../contract/caseEvent';
import type { DeviceContext } from '../../contract/hallConfig';
import type { Invitation } from '../../contract/invitation';

/** The taskCode a free rating carries: it rates the window's service, not a registered 事项. */
export const FREE_RATING_TASK_CODE = 'WINDOW-SERVICE';

/**
 * The invitation for a rating a citizen starts at the window without a case. It names the window
 * and the staff member serving there, never an invented case: the projectNo is derived from the
 * invitation's own id, and the outcome is flagged free-rating for reviewers.
 */
export function freeRatingInvitation(context: DeviceContext, staff: Staff, nowMs: number): Invitation {
  const id = uuidv7();
  return {
    id,
    event: 'closed',
    case: {
      projectNo: `FREE-${id.replace(/-/g, '')}`,
      taskCode: FREE_RATING_TASK_CODE,
      taskName: `${context.window.name}服务评价`,
      deptName: context.window.deptName ?? context.hall.name,
      ...(context.window.deptCode ? { deptCode: context.window.deptCode } : {}),
      regionCode: context.hall.regionCode,
    },
    staff: { loginName: staff.loginName, name: staff.name, ...(staff.staffNo ? { staffNo: staff.staffNo } : {}) },
    receivedAtMs: Math.floor(nowMs),
    free: true,
  };
}
