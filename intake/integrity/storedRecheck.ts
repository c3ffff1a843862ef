import { createHash, type KeyObject } from 'node:crypto';
import type { Outcome } from '../../contract/outcome';
import type { DeviceKeyRecord, IntakeData, StoredOutcomeRow } from '../store/store';
import { chooseKey, loadKeys, type KnownKey } from './keyChoice';
import { hashMatchesContent, signedBy } from './outcomeVerifier';
import { outcomeColumns, readStoredOutcome, type OutcomeColumn } from './storedOutcome';

export type { DeviceKeyRecord } from '../store/store';

export interface RecheckFailure {
  outcomeId: string;
  seq: number;
  code: 'body_changed' | 'unreadable' | 'tampered' | 'bad_outcome_signature' | 'columns_differ' | 'chain_break';
  reason: string;
}

export interface RecheckReport {
  deviceId: string;
  checked: number;
  /** Content, columns, links and signature all hold. */
  verified: number;
  keys: DeviceKeyRecord[];
  failures: RecheckFailure[];
  /**
   * Content, columns and links hold, but the signature cannot be checked: the outcome arrived
   * before the oldest key the intake kept (a rotation before key history was recorded).
   */
  unverifiable: Array<{ outcomeId: string; seq: number }>;
  /** How many of each there are: the lists above hold the first RECHECK_LIST_MAX. */
  failureCount: number;
  unverifiableCount: number;
}

/** Failures and unverifiable outcomes listed in a re-check's answer, at most (their counts are complete). */
export const RECHECK_LIST_MAX = 1000;

type StoredRow = StoredOutcomeRow;

type Checked = { failure: RecheckFailure } | { outcome: Outcome; signature: 'ok' | 'unverifiable' };

const ROWS_PER_ROUND = 500;

/**
 * Re-checks what the intake holds for one device, long after arrival: each stored body must still
 * hash to what was stored, its content to its signed hash, its link to the outcome stored before
 * it, the columns that counts and exports read must agree with it, and it must be signed by the
 * key the device held when it arrived (outcomes from before a key rotation still verify) — or, for
 * an outcome naming its key (keyId), by that key under the rotation rule of keyChoice.ts. An
 * edit made in the intake's own database shows here; a row deleted outright shows as a gap in
 * the chain report (`/v1/admin/integrity`), which is computed from the rows themselves.
 */
export function createStoredRecheck(data: Pick<IntakeData, 'devices' | 'outcomes'>) {

  function columnsDiffer(row: StoredRow, outcome: Outcome): string | null {
    const differing = Object.entries(outcomeColumns(outcome))
      .filter(([column, signed]) => row[column as OutcomeColumn] !== signed)
      .map(([column, signed]) => `${column} is ${String(row[column as OutcomeColumn])}, signed ${String(signed)}`);
    return differing.length > 0 ? differing.join('; ') : null;
  }

  async function checkRow(row: StoredRow, keys: Array<KnownKey & { key: KeyObject }>): Promise<Checked> {
    const fail = (code: RecheckFailure['code'], reason: string): Checked => ({ failure: { outcomeId: row.id, seq: row.seq, code, reason } });
    if (createHash('sha256').update(row.body).digest('hex') !== row.bodyHash) return fail('body_changed', 'the stored body no longer hashes to the hash stored with it');
    const stored = readStoredOutcome(row.body);
    if (!stored.ok) return fail('unreadable', stored.reason);
    const { outcome } = stored;
    if (!hashMatchesContent(outcome)) return fail('tampered', 'the content does not match its signed hash: it was changed after the device signed it');
    const differ = columnsDiffer(row, outcome);
    if (differ) return fail('columns_differ', differ);
    if (outcome.keyId !== undefined) {
      // It names its key: that key of the history, by the rule ingest applied (a retired key only
      // below its rotation point), and a key enrolled by the time the outcome arrived.
      const choice = chooseKey(outcome, keys);
      if (!choice.ok) return fail('bad_outcome_signature', choice.reason);
      if (choice.key.enrolledAt > row.receivedAt) return fail('bad_outcome_signature', `key ${outcome.keyId} was enrolled after the outcome arrived`);
      return (await signedBy(outcome, choice.key.key)) ? { outcome, signature: 'ok' } : fail('bad_outcome_signature', `the outcome is not signed by key ${outcome.keyId} of its device`);
    }
    // The key the device held when the outcome arrived (both, in the millisecond of a rotation):
    // a retired key, which may have leaked since, vouches for nothing that came later.
    const candidates = keys.filter((k) => k.enrolledAt <= row.receivedAt && (k.retiredAt === null || k.retiredAt >= row.receivedAt));
    if (candidates.length === 0) {
      return keys.every((k) => k.enrolledAt > row.receivedAt)
        ? { outcome, signature: 'unverifiable' }
        : fail('bad_outcome_signature', 'no key of the device was current when it arrived');
    }
    for (const key of candidates.reverse()) {
      if (await signedBy(outcome, key.key)) return { outcome, signature: 'ok' };
    }
    return fail('bad_outcome_signature', 'the outcome is not signed by the key its device held when it arrived');
  }

  return {
    async recheck(deviceId: string): Promise<RecheckReport> {
      const keys: DeviceKeyRecord[] = await data.devices.keyHistory(deviceId);
      const keyObjects = await loadKeys(keys);
      const failures: RecheckFailure[] = [];
      const unverifiable: RecheckReport['unverifiable'] = [];
      let checked = 0;
      // The previous seq's stored outcomes (several when the chain forked): a link is checked
      // only where that seq is held once, since a fork is already on the arrival record.
      let previous: { seq: number; hashes: string[] } = { seq: 0, hashes: [] };
      let current: { seq: number; hashes: string[] } = { seq: 0, hashes: [] };
      const links: Array<{ row: StoredRow; outcome: Outcome }> = [];
      // Read in rounds so a device with many outcomes does not hold the whole set in memory.
      for (let after = { seq: -1, position: -1 }; ; ) {
        const rows = await data.outcomes.chainRowsAfter(deviceId, after, ROWS_PER_ROUND);
        if (rows.length === 0) break;
        const results = await Promise.all(rows.map((row) => checkRow(row, keyObjects)));
        rows.forEach((row, i) => {
          const result = results[i]!;
          if ('failure' in result) failures.push(result.failure);
          else {
            if (result.signature === 'unverifiable') unverifiable.push({ outcomeId: row.id, seq: row.seq });
            links.push({ row, outcome: result.outcome });
          }
        });
        checked += rows.length;
        after = { seq: rows[rows.length - 1]!.seq, position: rows[rows.length - 1]!.position };
        // Links: each sound outcome against the sound outcome(s) held at seq - 1.
        for (const { row, outcome } of links.splice(0)) {
          if (outcome.seq !== current.seq) {
            previous = current.seq === outcome.seq - 1 ? current : { seq: outcome.seq - 1, hashes: [] };
            current = { seq: outcome.seq, hashes: [] };
          }
          current.hashes.push(outcome.hash);
          if (previous.seq === outcome.seq - 1 && previous.hashes.length === 1 && previous.hashes[0] !== outcome.prevHash) {
            failures.push({ outcomeId: row.id, seq: row.seq, code: 'chain_break', reason: `prevHash does not match the stored outcome at seq ${previous.seq}` });
          }
        }
      }
      failures.sort((a, b) => a.seq - b.seq);
      // A broken link is a failure whether or not its signature could be checked.
      const failed = new Set(failures.map((f) => f.outcomeId));
      const unchecked = unverifiable.filter((u) => !failed.has(u.outcomeId));
      return {
        deviceId,
        checked,
        verified: checked - failures.length - unchecked.length,
        keys,
        failures: failures.slice(0, RECHECK_LIST_MAX),
        unverifiable: unchecked.slice(0, RECHECK_LIST_MAX),
        failureCount: failures.length,
        unverifiableCount: unchecked.length,
      };
    },
  };
}

export type StoredRecheck = ReturnType<typeof createStoredRecheck>;
