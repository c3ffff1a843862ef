import { GENESIS_HASH } from '../contract/outcomeChain';
import type { Outcome } from '../contract/outcome';
import type { IntakeDb } from './database';

export type IntegrityEventKind =
  /** seqs were skipped: outcomes that never arrived, e.g. deleted on the device */
  | 'gap'
  /** an outcome arrived after later ones: it fills (part of) an earlier gap */
  | 'late_arrival'
  /** a second outcome with a seq already taken: the device's chain was forked or replayed */
  | 'fork'
  /** prevHash does not match the stored neighbour's hash */
  | 'chain_break'
  /** content changed after signing */
  | 'tampered'
  /** signed by another key than the device's */
  | 'bad_outcome_signature';

export interface IntegrityEvent {
  kind: IntegrityEventKind;
  seq: number | null;
  outcomeId: string | null;
  detail: string;
  at: number;
}

export interface SeqGap {
  fromSeq: number;
  toSeq: number;
}

/** Kinds that make a device untrusted until a person looks at it. */
const FLAGGING: ReadonlySet<IntegrityEventKind> = new Set(['fork', 'chain_break', 'tampered', 'bad_outcome_signature']);

/**
 * Follows each device's hash chain as outcomes arrive (in any order) and records what does not
 * fit. Nothing here drops an outcome: a broken chain is evidence for people to judge.
 */
export function createChainAudit(db: IntakeDb, now: () => number = Date.now) {
  const atSeq = db.prepare<[string, number], { id: string; chain_hash: string | null; prev_hash: string | null }>(
    'SELECT id, chain_hash, prev_hash FROM outcomes WHERE device_id = ? AND seq = ?',
  );
  const maxSeq = db.prepare<[string], { m: number | null }>('SELECT MAX(seq) AS m FROM outcomes WHERE device_id = ?');
  const addEvent = db.prepare('INSERT INTO integrity_events (device_id, kind, seq, outcome_id, detail, at) VALUES (?, ?, ?, ?, ?, ?)');
  const flagDevice = db.prepare('UPDATE devices SET flagged_at = ?, flag_reason = ? WHERE device_id = ? AND flagged_at IS NULL');
  const isFlagged = db.prepare<[string], { flagged_at: number | null }>('SELECT flagged_at FROM devices WHERE device_id = ?');
  const events = db.prepare<[string], { kind: IntegrityEventKind; seq: number | null; outcome_id: string | null; detail: string; at: number }>(
    'SELECT kind, seq, outcome_id, detail, at FROM integrity_events WHERE device_id = ? ORDER BY id',
  );
  const gapsQuery = db.prepare<[string], { from_seq: number; to_seq: number }>(
    `SELECT prev + 1 AS from_seq, seq - 1 AS to_seq FROM (
       SELECT seq, LAG(seq, 1, 0) OVER (ORDER BY seq) AS prev FROM (SELECT DISTINCT seq FROM outcomes WHERE device_id = ?)
     ) WHERE seq > prev + 1 ORDER BY seq`,
  );
  const storedCount = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM outcomes WHERE device_id = ?');

  function note(deviceId: string, kind: IntegrityEventKind, seq: number | null, outcomeId: string | null, detail: string): void {
    const at = now();
    addEvent.run(deviceId, kind, seq, outcomeId, detail, at);
    if (FLAGGING.has(kind)) flagDevice.run(at, `${kind} at seq ${seq ?? '?'}`, deviceId);
  }

  return {
    note,

    /**
     * Called for a verified outcome before it is stored; returns whether the outcome and its
     * device can still be trusted.
     */
    admit(outcome: Outcome): { trusted: boolean } {
      const { deviceId, seq, id } = outcome;
      let fits = true;
      const taken = atSeq.get(deviceId, seq);
      if (taken) {
        note(deviceId, 'fork', seq, id, `seq ${seq} is already held by outcome ${taken.id}`);
        fits = false;
      }
      if (seq === 1 && outcome.prevHash !== GENESIS_HASH) {
        note(deviceId, 'chain_break', seq, id, 'the first outcome does not start from the genesis hash');
        fits = false;
      }
      const before = seq > 1 ? atSeq.get(deviceId, seq - 1) : undefined;
      if (before && before.chain_hash !== outcome.prevHash) {
        note(deviceId, 'chain_break', seq, id, `prevHash does not match the hash of seq ${seq - 1}`);
        fits = false;
      }
      const after = atSeq.get(deviceId, seq + 1);
      if (after && after.prev_hash !== outcome.hash) {
        note(deviceId, 'chain_break', seq + 1, after.id, `seq ${seq + 1} does not point at this seq's hash`);
        fits = false;
      }
      const highest = maxSeq.get(deviceId)?.m ?? 0;
      if (seq > highest + 1) note(deviceId, 'gap', seq, id, `seqs ${highest + 1}–${seq - 1} missing`);
      else if (seq < highest && !taken) note(deviceId, 'late_arrival', seq, id, `arrived after seq ${highest}`);
      const flagged = isFlagged.get(deviceId)?.flagged_at != null;
      return { trusted: fits && !flagged };
    },

    /** What the intake knows of one device's chain: the seqs still missing and every event. */
    report(deviceId: string) {
      const flagged = db.prepare<[string], { flagged_at: number | null; flag_reason: string | null }>('SELECT flagged_at, flag_reason FROM devices WHERE device_id = ?').get(deviceId);
      return {
        deviceId,
        flagged: flagged?.flagged_at != null ? { at: flagged.flagged_at, reason: flagged.flag_reason ?? '' } : null,
        stored: storedCount.get(deviceId)?.n ?? 0,
        maxSeq: maxSeq.get(deviceId)?.m ?? 0,
        gaps: gapsQuery.all(deviceId).map((g): SeqGap => ({ fromSeq: g.from_seq, toSeq: g.to_seq })),
        events: events.all(deviceId).map((e): IntegrityEvent => ({ kind: e.kind, seq: e.seq, outcomeId: e.outcome_id, detail: e.detail, at: e.at })),
      };
    },
  };
}

export type ChainAudit = ReturnType<typeof createChainAudit>;
