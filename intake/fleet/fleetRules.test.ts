import { describe, expect, it } from 'vitest';
import type { Heartbeat } from '../../contract/heartbeat';
import { compareVersions, DEFAULT_FLEET_THRESHOLDS as T, isSilent, judgeHeartbeat, missingOutcomes, severity } from './fleetRules';

const NOW = 1_800_000_000_000;
const beat = (over: Partial<Heartbeat> = {}, head = 10, depth = 0): Heartbeat => ({
  deviceId: 'pad-1',
  hallCode: 'hall-a',
  sentAtMs: NOW,
  clockOffsetMs: 0,
  appVersion: '1.2.0',
  chainHead: { seq: head, hash: 'a'.repeat(64) },
  outbox: { depth, oldestUnsentAgeMs: depth > 0 ? 1000 : null, deadLetters: 0 },
  storage: { usageBytes: 1, quotaBytes: 10 },
  ratingDevice: null,
  ...over,
});
const allHeld = (head: number) => ({ maxSeq: head, heldUpToHead: head });
const kinds = (v: ReturnType<typeof judgeHeartbeat>) => v.holding.map((h) => h.kind);

describe('judgeHeartbeat', () => {
  it('raises nothing for a healthy device, and clears every self-clearing condition', () => {
    const v = judgeHeartbeat(beat(), null, allHeld(10), NOW, T);
    expect(v.holding).toEqual([]);
    expect(v.cleared).toEqual(['head-unsent', 'device-silent', 'queue-stale', 'version-below-minimum', 'rating-device-offline']);
    expect(v.missingSince).toBeNull();
  });

  it('head-regressed when the head goes below the previous heartbeat, at once, and never clears it', () => {
    const previous = { heartbeat: beat({}, 12, 2), missingSince: null };
    const v = judgeHeartbeat(beat({}, 11, 1), previous, allHeld(10), NOW, T);
    expect(v.holding).toEqual([{ kind: 'head-regressed', detail: 'chain head went back from seq 12 to seq 11' }]);
    expect(v.cleared).not.toContain('head-regressed');
    // The same head is no regression.
    expect(kinds(judgeHeartbeat(beat({}, 12, 2), previous, allHeld(10), NOW, T))).toEqual([]);
  });

  it('head-regressed when the head is below outcomes the intake already holds (a wiped device)', () => {
    expect(judgeHeartbeat(beat({}, 0), null, { maxSeq: 7, heldUpToHead: 0 }, NOW, T).holding).toEqual([
      { kind: 'head-regressed', detail: 'chain head at seq 0, but the intake holds outcomes from this device up to seq 7' },
    ]);
    expect(kinds(judgeHeartbeat(beat({}, 7), null, { maxSeq: 7, heldUpToHead: 7 }, NOW, T))).toEqual([]);
  });

  it('head-unsent once outcomes are missing for the grace, not before; queued and dead-lettered ones are not missing', () => {
    // Head 10: the intake holds 1–7, two are queued, one is gone.
    const first = judgeHeartbeat(beat({}, 10, 2), null, { maxSeq: 7, heldUpToHead: 7 }, NOW, T);
    expect(kinds(first)).toEqual([]);
    expect(first.missingSince).toBe(NOW);
    const previous = { heartbeat: beat({}, 10, 2), missingSince: first.missingSince };
    const early = judgeHeartbeat(beat({}, 10, 2), previous, { maxSeq: 7, heldUpToHead: 7 }, NOW + T.unsentGraceMs - 1, T);
    expect(kinds(early)).toEqual([]);
    expect(early.missingSince).toBe(NOW);
    const late = judgeHeartbeat(beat({}, 10, 2), previous, { maxSeq: 7, heldUpToHead: 7 }, NOW + T.unsentGraceMs, T);
    expect(late.holding).toEqual([{ kind: 'head-unsent', detail: '1 outcome(s) up to seq 10 are neither at the intake nor queued on the device' }]);
    // Explained by a dead letter: nothing missing.
    const explained = judgeHeartbeat(beat({ outbox: { depth: 2, oldestUnsentAgeMs: 5, deadLetters: 1 } }, 10), previous, { maxSeq: 7, heldUpToHead: 7 }, NOW + T.unsentGraceMs, T);
    expect(kinds(explained)).toEqual([]);
    expect(explained.missingSince).toBeNull();
    expect(explained.cleared).toContain('head-unsent');
  });

  it('queue-stale above the age, not at it', () => {
    const at = (age: number) => kinds(judgeHeartbeat(beat({ outbox: { depth: 3, oldestUnsentAgeMs: age, deadLetters: 0 } }, 13), null, { maxSeq: 10, heldUpToHead: 10 }, NOW, T));
    expect(at(T.queueStaleMs)).toEqual([]);
    expect(at(T.queueStaleMs + 1)).toEqual(['queue-stale']);
  });

  it('version-below-minimum by number, not by text', () => {
    const at = (version: string, min: string | null) => kinds(judgeHeartbeat(beat({ appVersion: version }), null, allHeld(10), NOW, { ...T, minAppVersion: min }));
    expect(at('0.9.9', '0.10.0')).toEqual(['version-below-minimum']);
    expect(at('0.10.0', '0.10.0')).toEqual([]);
    expect(at('0.10.1+b7', '0.10.0')).toEqual([]);
    expect(at('0.1.0', null)).toEqual([]);
  });

  it('rating-device-offline only with a box attached and offline', () => {
    const at = (ratingDevice: Heartbeat['ratingDevice']) => kinds(judgeHeartbeat(beat({ ratingDevice }), null, allHeld(10), NOW, T));
    expect(at(null)).toEqual([]);
    expect(at({ online: true, lastPressAtMs: null, missedHeartbeats: 0 })).toEqual([]);
    expect(at({ online: false, lastPressAtMs: null, missedHeartbeats: 4 })).toEqual(['rating-device-offline']);
  });
});

describe('isSilent', () => {
  it('counts from the last heartbeat, or from enrolment for a device never heard', () => {
    expect(isSilent(NOW, 0, NOW + T.silentAfterMs, T)).toBe(false);
    expect(isSilent(NOW, 0, NOW + T.silentAfterMs + 1, T)).toBe(true);
    expect(isSilent(null, NOW, NOW + T.silentAfterMs + 1, T)).toBe(true);
    expect(isSilent(null, NOW, NOW + 1, T)).toBe(false);
  });
});

describe('compareVersions and severity', () => {
  it('orders versions and devices', () => {
    expect(compareVersions('1.10', '1.9')).toBe(1);
    expect(compareVersions('1.0.0', '1')).toBe(0);
    expect(compareVersions('1.0.0-rc', '1.0.0-rd')).toBe(-1);
    expect(severity(['head-regressed'])).toBeGreaterThan(severity(['device-silent', 'queue-stale', 'rating-device-offline', 'version-below-minimum']));
    expect(severity(['device-silent'])).toBeGreaterThan(severity(['queue-stale']));
    expect(severity([])).toBe(0);
  });
});

describe('missingOutcomes', () => {
  const report = (dueAtMs: number, clockOffsetMs: number | null = 0) => ({ invitationId: `inv-${dueAtMs}`, projectNo: 'P1', dueAtMs, clockOffsetMs });
  it('names reports due before a heartbeat that shows an empty outbox, and none otherwise', () => {
    const due = [report(NOW - 1), report(NOW), report(NOW + 1)];
    expect(missingOutcomes(due, beat({}, 10, 0)).map((r) => r.dueAtMs)).toEqual([NOW - 1]);
    expect(missingOutcomes(due, beat({}, 10, 1))).toEqual([]);
    expect(missingOutcomes(due, null)).toEqual([]);
  });

  it('puts both times on the intake clock with the offsets the device measured', () => {
    // The device clock was an hour behind when it reported, and is right when it sends the heartbeat.
    const late = report(NOW - 30 * 60_000, 3_600_000);
    expect(missingOutcomes([late], beat({ clockOffsetMs: 0 }, 10, 0))).toEqual([]);
    expect(missingOutcomes([late], beat({ sentAtMs: NOW + 30 * 60_000 + 1, clockOffsetMs: 0 }, 10, 0))).toEqual([late]);
    expect(missingOutcomes([report(NOW - 1, null)], beat({ clockOffsetMs: null }, 10, 0))).toHaveLength(1);
  });
});
