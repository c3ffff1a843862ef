import { describe, expect, it } from 'vitest';
import { AnomalyPolicySchema } from '../../contract/hallConfig';
import { anomalyFlags, minutesUntil, type FlagFacts } from './anomalyFlags';

const policy = AnomalyPolicySchema.parse({});
const NOW = Date.UTC(2026, 10, 23, 2, 0, 0);
const calm: FlagFacts = {
  outcome: 'rated',
  inviteToPressMs: 2500,
  staffPairedAtMs: NOW - 3 * 3_600_000,
  pairedLoginName: 'zhangsan',
  invitedLoginName: 'zhangsan',
  caseRatedBefore: false,
  free: false,
  recentRatedAtMs: [],
  nowMs: NOW,
  minutesToShiftEnd: 300,
  policy,
};

describe('anomaly flags', () => {
  it('leaves a calm, paired, first rating of a case unflagged', () => {
    expect(anomalyFlags(calm)).toEqual([]);
  });

  it('counts a fast press only for a rating, below the policy threshold', () => {
    expect(anomalyFlags({ ...calm, inviteToPressMs: policy.fastPressMs - 1 })).toEqual(['fast-press']);
    expect(anomalyFlags({ ...calm, inviteToPressMs: policy.fastPressMs })).toEqual([]);
    expect(anomalyFlags({ ...calm, outcome: 'unrated', inviteToPressMs: null })).toEqual([]);
  });

  it('needs burstCount ratings inside the window for a burst, and only near login or shift end', () => {
    const twoBefore = [NOW - 30_000, NOW - 60_000];
    expect(anomalyFlags({ ...calm, recentRatedAtMs: twoBefore })).toEqual([]); // a run, but mid-shift
    expect(anomalyFlags({ ...calm, recentRatedAtMs: twoBefore, minutesToShiftEnd: 10 })).toEqual(['burst-at-shift-end']);
    expect(anomalyFlags({ ...calm, recentRatedAtMs: twoBefore, minutesToShiftEnd: -5 })).toEqual([]); // after the shift
    expect(anomalyFlags({ ...calm, recentRatedAtMs: twoBefore, staffPairedAtMs: NOW - 5 * 60_000 })).toEqual(['burst-after-login']);
    // One of the earlier ratings fell out of the window: no run.
    expect(anomalyFlags({ ...calm, recentRatedAtMs: [NOW - 30_000, NOW - (policy.burstWindowSec + 1) * 1000], minutesToShiftEnd: 10 })).toEqual([]);
  });

  it('marks unpaired, same case again and free rating whatever the timing', () => {
    expect(anomalyFlags({ ...calm, staffPairedAtMs: null, caseRatedBefore: true, free: true })).toEqual(['unpaired', 'same-case-again', 'free-rating']);
  });

  it('marks a case event naming someone other than the signed-in staff member, but not when nobody is signed in', () => {
    expect(anomalyFlags({ ...calm, invitedLoginName: 'lisi' })).toEqual(['staff-mismatch']);
    expect(anomalyFlags({ ...calm, outcome: 'unrated', inviteToPressMs: null, invitedLoginName: 'lisi' })).toEqual(['staff-mismatch']);
    expect(anomalyFlags({ ...calm, staffPairedAtMs: null, pairedLoginName: null, invitedLoginName: 'lisi' })).toEqual(['unpaired']);
  });

  it('measures minutes to a local HH:MM on the same day', () => {
    const at = new Date(2026, 10, 23, 17, 20, 0).getTime();
    expect(minutesUntil('17:30', at)).toBe(10);
    expect(minutesUntil('17:00', at)).toBe(-20);
  });
});
