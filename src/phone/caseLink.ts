import { create } from 'zustand';
import type { DeviceContext } from '../../contract/hallConfig';
import type { Outcome } from '../../contract/outcome';
import type { Invitation } from '../../contract/invitation';
import type { CaseLinkRequest, CaseLinkResponse } from '../../contract/phoneRating';

/**
 * 一事一评 on the citizen's phone (issue 24): when an invitation ends unrated or declined, the
 * thanks screen asks the intake for a case-bound link and shows it as a QR. `requestLink` is set
 * once the device is enrolled at an intake; without one (no intake, offline, refused) nothing is shown.
 */
export const useCaseLinkStore = create<{
  requestLink: ((invitationId: string) => Promise<string | null>) | null;
  /**
   * The link for a 办结 invitation still on its rating screen (hall policy caseQrOnEveryClose), with
   * the end of its last valid day; the same link the thanks screen would get for that invitation.
   */
  linkForInvitation: ((invitation: Invitation) => Promise<CaseLink | null>) | null;
}>()(() => ({ requestLink: null, linkForInvitation: null }));

/** A case-bound link as the screen shows it: the phone page's address and the end of its last valid day (ISO with offset). */
export type CaseLink = Pick<CaseLinkResponse, 'url' | 'expiresAt'>;

/** The link request for an invitation on its rating screen, before anything is recorded (a free rating has no case to bind). */
export function caseLinkRequestForInvitation(invitation: Invitation, context: Pick<DeviceContext, 'hall' | 'window'>): CaseLinkRequest | null {
  if (invitation.free) return null;
  return screenQrRequest({ invitationId: invitation.id, event: invitation.event, case: invitation.case, staff: invitation.staff }, context);
}

/** The link request for a stored ending without a level; null for a rating, a free rating or an amendment. */
export function caseLinkRequestFor(ending: Pick<Outcome, 'outcome' | 'amends' | 'flags' | 'invitationId' | 'event' | 'case' | 'staff'>, context: Pick<DeviceContext, 'hall' | 'window'>): CaseLinkRequest | null {
  if ((ending.outcome !== 'unrated' && ending.outcome !== 'declined') || ending.amends || ending.flags.includes('free-rating')) return null;
  return screenQrRequest({ invitationId: ending.invitationId, event: ending.event, case: ending.case, staff: ending.staff }, context);
}

/** The request for a link shown as a QR on this device's screen, bound to the case stage and the window. */
function screenQrRequest(bound: Pick<CaseLinkRequest, 'invitationId' | 'event' | 'case' | 'staff'>, context: Pick<DeviceContext, 'hall' | 'window'>): CaseLinkRequest {
  return { ...bound, window: { hallCode: context.hall.code, windowNo: context.window.no, windowName: context.window.name }, delivery: 'screen-qr' };
}
