import { describe, expect, it } from 'vitest';
import { CaseLinkRequestSchema } from '../../contract/phoneRating';
import { makeInvitation, testContext } from '../testing/fixtures';
import { caseLinkRequestFor, caseLinkRequestForInvitation } from './caseLink';

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

describe('the case link a 办结 rating screen asks for (policies.caseQrOnEveryClose)', () => {
  it('binds the invitation on screen, before anything is recorded: the same request the thanks screen would make for it', () => {
    const invitation = makeInvitation();
    const request = caseLinkRequestForInvitation(invitation, testContext);
    expect(CaseLinkRequestSchema.parse(request)).toEqual(
      CaseLinkRequestSchema.parse(caseLinkRequestFor({ outcome: 'unrated', flags: [], invitationId: invitation.id, event: invitation.event, case: invitation.case, staff: invitation.staff }, testContext)),
    );
  });

  it('asks for none for a free rating of the window', () => {
    expect(caseLinkRequestForInvitation(makeInvitation({ free: true }), testContext)).toBeNull();
  });
});
