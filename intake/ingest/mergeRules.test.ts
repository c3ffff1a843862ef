import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../contract/outcome';
import { decideMerge, mergedRating, type MergeView } from './mergeRules';

const PRESS_ID = '019a0000-0000-7000-8000-0000000000a1';
const record = (over: Partial<Outcome> = {}): Outcome =>
  ({
    id: '019a0000-0000-7000-8000-0000000000b2',
    deviceId: 'dev-1',
    invitationId: 'inv-1',
    outcome: 'rated',
    level: 1,
    tags: [],
    public: false,
    callback: { requested: false },
    ...over,
  }) as Outcome;
const press = (over: Partial<MergeView> = {}): MergeView => ({ id: PRESS_ID, deviceId: 'dev-1', invitationId: 'inv-1', outcome: 'rated', level: 1, merge: 'rating', amendsId: null, ...over });
const amending = (kind: 'details' | 'confirm' | 'withdrawal', over: Partial<Outcome> = {}) => record({ amends: { outcomeId: PRESS_ID, kind }, ...over });

describe('merge rules: one rating per invitation', () => {
  it('an ending for an invitation with nothing in force counts', () => {
    expect(decideMerge({ trusted: true, record: record(), kind: 'ending', inForce: undefined })).toEqual({ merge: 'rating', effect: 'count' });
    expect(decideMerge({ trusted: true, record: record({ outcome: 'unrated', level: undefined }), kind: 'ending', inForce: undefined })).toEqual({ merge: 'rating', effect: 'count' });
  });

  it('a second ending of an invitation already in force is kept as a finding, never counted', () => {
    const decision = decideMerge({ trusted: true, record: record({ level: 5 }), kind: 'ending', inForce: press() });
    expect(decision).toMatchObject({ merge: 'second', effect: 'none', finding: { kind: 'second_rating' } });
    expect(decision.finding?.detail).toContain(PRESS_ID);
  });

  it.each([
    ['details', 'details'],
    ['confirm', 'none'],
    ['withdrawal', 'withdraw'],
  ] as const)('a %s of the rating in force is merged (%s)', (kind, effect) => {
    expect(decideMerge({ trusted: true, record: amending(kind), kind: 'amendment', press: press(), sameKindInForce: false })).toEqual({ merge: 'amendment', effect });
  });

  it.each<[string, MergeView | undefined, Partial<Outcome>, boolean, string]>([
    ['no press stored', undefined, {}, false, 'no such press of this device is stored'],
    ['a press of another device', press({ deviceId: 'dev-2' }), {}, false, 'the press belongs to another device or invitation'],
    ['a press of another invitation', press({ invitationId: 'inv-2' }), {}, false, 'the press belongs to another device or invitation'],
    ['a press of another level', press({ level: 2 }), {}, false, 'it is not a rated press of the same level'],
    ['an unrated ending', press({ outcome: 'unrated', level: null }), { level: undefined }, false, 'it is not a rated press of the same level'],
    ['an amendment, not a press', press({ amendsId: '019a0000-0000-7000-8000-0000000000c3' }), {}, false, 'it is not a rated press of the same level'],
    ['a withdrawn press', press({ merge: 'withdrawn' }), {}, false, 'the press is withdrawn, not in force'],
    ['a second, uncounted press', press({ merge: 'second' }), {}, false, 'the press is second, not in force'],
    ['a press that already has one of the kind', press(), {}, true, 'the press already has a KIND'],
  ])('an amendment of %s is an orphan finding, never merged', (_what, pressView, over, sameKind, why) => {
    for (const kind of ['details', 'confirm', 'withdrawal'] as const) {
      expect(decideMerge({ trusted: true, record: amending(kind, over), kind: 'amendment', press: pressView, sameKindInForce: sameKind })).toEqual({
        merge: 'orphan',
        effect: 'none',
        finding: { kind: 'orphan_amendment', detail: `${kind} of ${PRESS_ID}: ${why.replace('KIND', kind)}` },
      });
    }
  });

  it('refuses to judge an amendment that names nothing it amends', () => {
    expect(() => decideMerge({ trusted: true, record: record(), kind: 'amendment', press: press(), sameKindInForce: false })).toThrow('an amendment without amends');
  });

  it('the merged rating is the press with the details given after it', () => {
    const pressed = record({ id: PRESS_ID, comment: 'stale' });
    expect(mergedRating(pressed, undefined)).toBe(pressed);
    const details = amending('details', { tags: ['113'], comment: '跑了三次', public: true, callback: { requested: true, sealedPhone: 'x'.repeat(80) } });
    expect(mergedRating(pressed, details)).toEqual({ ...pressed, tags: ['113'], comment: '跑了三次', public: true, callback: { requested: true, sealedPhone: 'x'.repeat(80) } });
    const { comment: _comment, ...withoutComment } = pressed;
    const noComment = mergedRating(pressed, amending('details', { tags: ['113'] }));
    expect(noComment).toEqual({ ...withoutComment, tags: ['113'] });
    expect(noComment).not.toHaveProperty('comment');
    expect(mergedRating(pressed, details)).not.toHaveProperty('amends');
  });

  it('an untrusted record is never in force: kept, not counted, not merged, whatever it is', () => {
    expect(decideMerge({ trusted: false, record: record(), kind: 'ending', inForce: undefined })).toEqual({ merge: 'untrusted', effect: 'none' });
    expect(decideMerge({ trusted: false, record: amending('withdrawal'), kind: 'amendment', press: press(), sameKindInForce: false })).toEqual({ merge: 'untrusted', effect: 'none' });
    // A trusted details of an untrusted press has nothing in force to amend.
    expect(decideMerge({ trusted: true, record: amending('details'), kind: 'amendment', press: press({ merge: 'untrusted' }), sameKindInForce: false })).toMatchObject({ merge: 'orphan', effect: 'none' });
  });
});
