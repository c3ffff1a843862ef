import { v7 as uuidv7 } from 'uuid';
import type { Staff } from '../../contract/caseEvent';
import type { DeviceContext } from '../../contract/hallConfig';
import { FREE_RATING_PROJECT_PREFIX, FREE_RATING_TASK_CODE } from '../../contract/freeRating';
import type { Invitation } from '../../contract/invitation';
import { staffIdentity } from '../../contract/staffIdentity';


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
      projectNo: `${FREE_RATING_PROJECT_PREFIX}${id.replace(/-/g, '')}`,
      taskCode: FREE_RATING_TASK_CODE,
      taskName: `${context.window.name}服务评价`,
      deptName: context.window.deptName ?? context.hall.name,
      ...(context.window.deptCode ? { deptCode: context.window.deptCode } : {}),
      regionCode: context.hall.regionCode,
    },
    staff: staffIdentity(staff),
    receivedAtMs: Math.floor(nowMs),
    free: true,
  };
}
