import { describe, expect, it } from 'vitest';
import { CaseLinkRequestSchema } from '../../contract/phoneRating';
import { makeInvitation, testContext } from '../testing/fixtures';
import { caseLinkRequestFor } from './caseLink';

describe('the case link a thanks screen asks for', () => {
  const invitation = makeInvitation();
  const unrated = { outcome: 'unrated' as const, flags: [], invitationId: invitation.id, event: invitation.event, case: invitation.case, staff: invitation.staff };

  it('names the case, event, staff and this window for an unrated or declined ending', () => {
    const request = caseLinkRequestFor(unrated, testContext);
    expect(CaseLinkRequestSchema.parse(request)).toMatchObject({
      invitationId: unrated.invitationId,
      event: unrated.event,
      case: unrated.case,
      staff: unrated.staff,
      window: { hallCode: testContext.hall.code, windowNo: testContext.window.no, windowName: testContext.window.name },
      delivery: 'screen-qr',
    });
    expect(caseLinkRequestFor({ ...unrated, outcome: 'declined' }, testContext)).not.toBeNull();
  });

  it('asks for none after a rating or for a free rating of the window', () => {
    expect(caseLinkRequestFor({ ...unrated, outcome: 'rated' }, testContext)).toBeNull();
    expect(caseLinkRequestFor({ ...unrated, amends: { outcomeId: invitation.id, kind: 'details' } }, testContext)).toBeNull();
    expect(caseLinkRequestFor({ ...unrated, flags: ['free-rating'] }, testContext)).toBeNull();
  });
});
