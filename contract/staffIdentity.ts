import type { Staff } from './caseEvent';

/** Who a staff card names, without the photo: what outcomes, invitations and histories carry. */
export function staffIdentity(card: Staff & { photo?: string }): Staff {
  return { loginName: card.loginName, name: card.name, ...(card.staffNo ? { staffNo: card.staffNo } : {}) };
}
