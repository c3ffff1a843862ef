import { describe, expect, it } from 'vitest';
import { decideStage, type DeviceEnding } from './caseStageRules';

const ending = (id: string, outcome: DeviceEnding['outcome'], merge: DeviceEnding['merge'] = 'rating', receivedAt = 1): DeviceEnding => ({ id, outcome, merge, receivedAt });

describe('one rating per case stage across channels', () => {
  it('lets a phone rating supersede the device’s unrated or declined ending (the latest one in force)', () => {
    expect(decideStage([ending('u1', 'unrated', 'rating', 10)], [])).toEqual({ ok: true, supersedes: ending('u1', 'unrated', 'rating', 10) });
    expect(decideStage([ending('d1', 'declined', 'rating', 5), ending('e1', 'expired', 'rating', 9)], [])).toMatchObject({ ok: true, supersedes: { id: 'e1' } });
  });

  it('stores a phone rating of a stage the devices never ended, superseding nothing', () => {
    expect(decideStage([], [])).toEqual({ ok: true, supersedes: null });
  });

  it('refuses a phone rating after a device rating in force, and a second phone rating', () => {
    expect(decideStage([ending('u1', 'unrated'), ending('r1', 'rated')], [])).toEqual({ ok: false, refusal: 'already-rated', by: 'r1' });
    expect(decideStage([ending('u1', 'unrated')], ['p1'])).toEqual({ ok: false, refusal: 'already-rated', by: 'p1' });
  });

  it('is not stopped by device records that are not in force', () => {
    // A withdrawn press (撤销), an untrusted record and a second ending change nothing.
    const decision = decideStage([ending('w1', 'rated', 'withdrawn'), ending('x1', 'rated', 'untrusted'), ending('s1', 'rated', 'second'), ending('u1', 'unrated')], []);
    expect(decision).toMatchObject({ ok: true, supersedes: { id: 'u1' } });
    expect(decideStage([ending('w1', 'rated', 'withdrawn')], [])).toEqual({ ok: true, supersedes: null });
  });
});
