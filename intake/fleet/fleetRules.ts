import type { FleetFlagKind, Heartbeat } from '../../contract/heartbeat';

/**
 * What a device's heartbeats say about it (issue 20), decided without the database: the caller
 * passes what the intake holds, and stores the verdict. A flag is a condition that holds now;
 * the store keeps every one ever opened (with when it closed), so nothing raised is ever lost.
 *
 * - head-regressed: the device's chain head went backwards (below its previous heartbeat, or
 *   below outcomes the intake already holds from it). Outcomes were deleted from the end of its
 *   chain, or its storage was wiped. Never closes by itself: a person looks at it.
 * - head-unsent: the head names outcomes the intake neither holds nor the device has queued or
 *   dead-lettered, for longer than the grace: they were deleted before they were sent.
 * - missing-outcome: an invitation the device reported has no outcome at the intake after its
 *   due time, and a later heartbeat shows nothing left in the device's outbox (fleet/missingOutcomes.ts).
 * - device-silent: no heartbeat for silentAfterMs.
 * - queue-stale: the oldest unsent outcome is older than queueStaleMs.
 * - version-below-minimum: the page runs a build older than the fleet's minimum.
 * - rating-device-offline: the attached button box is offline.
 */
export interface FleetThresholds {
  silentAfterMs: number;
  queueStaleMs: number;
  /** How long missing outcomes may stay unexplained (a batch in flight) before head-unsent. */
  unsentGraceMs: number;
  /** Lowest acceptable appVersion (dotted numbers compared as numbers); null: none. */
  minAppVersion: string | null;
}

export const DEFAULT_FLEET_THRESHOLDS: FleetThresholds = {
  silentAfterMs: 10 * 60_000,
  queueStaleMs: 4 * 3_600_000,
  unsentGraceMs: 10 * 60_000,
  minAppVersion: null,
};

/** What the intake holds of the device when a heartbeat arrives. */
export interface HeldChain {
  /** The highest seq the intake holds from the device (0: none). */
  maxSeq: number;
  /** How many distinct seqs up to the heartbeat's head it holds. */
  heldUpToHead: number;
}

export interface HeartbeatVerdict {
  /** Conditions that hold after this heartbeat, each with what shows it. */
  holding: Array<{ kind: FleetFlagKind; detail: string }>;
  /** Conditions this heartbeat shows no longer hold (head-regressed is never among them). */
  cleared: FleetFlagKind[];
  /** When outcomes went missing unexplained, kept until they are explained (null: none missing). */
  missingSince: number | null;
}

/** Kinds a heartbeat can show to be over; head-regressed needs a person. */
const SELF_CLEARING: readonly FleetFlagKind[] = ['head-unsent', 'device-silent', 'queue-stale', 'version-below-minimum', 'rating-device-offline'];

export function judgeHeartbeat(
  heartbeat: Heartbeat,
  previous: { heartbeat: Heartbeat; missingSince: number | null } | null,
  held: HeldChain,
  receivedAt: number,
  thresholds: FleetThresholds,
): HeartbeatVerdict {
  const holding: HeartbeatVerdict['holding'] = [];
  const head = heartbeat.chainHead.seq;
  const before = previous?.heartbeat.chainHead.seq ?? 0;
  if (head < before) holding.push({ kind: 'head-regressed', detail: `chain head went back from seq ${before} to seq ${head}` });
  else if (head < held.maxSeq) holding.push({ kind: 'head-regressed', detail: `chain head at seq ${head}, but the intake holds outcomes from this device up to seq ${held.maxSeq}` });

  // Every seq up to the head is at the intake, in the outbox, or a dead letter; more are missing.
  const missing = head - held.heldUpToHead - heartbeat.outbox.depth - heartbeat.outbox.deadLetters;
  const missingSince = missing > 0 ? (previous?.missingSince ?? receivedAt) : null;
  if (missingSince !== null && receivedAt - missingSince >= thresholds.unsentGraceMs) {
    holding.push({ kind: 'head-unsent', detail: `${missing} outcome(s) up to seq ${head} are neither at the intake nor queued on the device` });
  }

  const oldest = heartbeat.outbox.oldestUnsentAgeMs;
  if (oldest !== null && oldest > thresholds.queueStaleMs) {
    holding.push({ kind: 'queue-stale', detail: `oldest unsent outcome is ${Math.round(oldest / 60_000)} min old (${heartbeat.outbox.depth} queued)` });
  }
  if (thresholds.minAppVersion !== null && compareVersions(heartbeat.appVersion, thresholds.minAppVersion) < 0) {
    holding.push({ kind: 'version-below-minimum', detail: `runs ${heartbeat.appVersion}; the minimum is ${thresholds.minAppVersion}` });
  }
  if (heartbeat.ratingDevice && !heartbeat.ratingDevice.online) {
    holding.push({ kind: 'rating-device-offline', detail: `the rating device is offline (${heartbeat.ratingDevice.missedHeartbeats} heartbeat(s) missed)` });
  }
  const kinds = new Set(holding.map((h) => h.kind));
  // A heartbeat arrived: the device is not silent.
  const cleared = SELF_CLEARING.filter((kind) => !kinds.has(kind));
  return { holding, cleared, missingSince };
}

/** Whether a device last heard at `lastHeardAt` (null: never) is silent at `now`. */
export function isSilent(lastHeardAt: number | null, enrolledAt: number, now: number, thresholds: FleetThresholds): boolean {
  return now - (lastHeardAt ?? enrolledAt) > thresholds.silentAfterMs;
}

/**
 * Compares dotted versions number by number ("0.10.0" > "0.9.3"); a part that is not a number
 * compares as text. A build suffix after "+" is ignored.
 */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split('+')[0]!.split(/[.-]/);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const [p, q] = [x[i] ?? '0', y[i] ?? '0'];
    const [m, n] = [Number(p), Number(q)];
    const order = Number.isInteger(m) && Number.isInteger(n) ? m - n : p.localeCompare(q);
    if (order !== 0) return Math.sign(order);
  }
  return 0;
}

/** Worst first: more open flags, head problems above everything, then longest silence. */
export function severity(openKinds: readonly FleetFlagKind[]): number {
  const weight: Record<FleetFlagKind, number> = {
    'head-regressed': 100,
    'head-unsent': 100,
    'missing-outcome': 100,
    'device-silent': 30,
    'queue-stale': 20,
    'rating-device-offline': 10,
    'version-below-minimum': 5,
  };
  return openKinds.reduce((sum, kind) => sum + weight[kind], 0);
}

/** An invitation a device reported, still without an outcome at the intake. */
export interface UnansweredReport {
  invitationId: string;
  projectNo: string;
  /** Its due time on the device's clock, and the offset the device had measured then. */
  dueAtMs: number;
  clockOffsetMs: number | null;
}

/**
 * The reported invitations that are missing their outcome: due before the device built its
 * latest heartbeat, and that heartbeat shows an empty outbox, so every ending the device had
 * recorded by then has reached the intake. A device offline, or with outcomes still queued,
 * proves nothing yet (queue-stale and device-silent say so on their own). Both times are put
 * on the intake's clock with the offsets the device measured.
 */
export function missingOutcomes(unanswered: readonly UnansweredReport[], latest: Heartbeat | null): UnansweredReport[] {
  if (!latest || latest.outbox.depth > 0) return [];
  const builtAt = latest.sentAtMs + (latest.clockOffsetMs ?? 0);
  return unanswered.filter((report) => report.dueAtMs + (report.clockOffsetMs ?? 0) < builtAt);
}
