import { createHash, type KeyObject } from 'node:crypto';
import { OutcomeSchema, type Outcome } from '../contract/outcome';
import type { IntakeDb } from './database';
import { publicKeyFromRaw } from './deviceAuth';
import { verifyOutcome } from './outcomeVerifier';

export interface DeviceKeyRecord {
  publicKey: string;
  enrolledAt: number;
  retiredAt: number | null;
}

export interface RecheckFailure {
  outcomeId: string;
  seq: number;
  code: 'body_changed' | 'unreadable' | 'tampered' | 'bad_outcome_signature' | 'columns_differ';
  reason: string;
}

export interface RecheckReport {
  deviceId: string;
  checked: number;
  verified: number;
  keys: DeviceKeyRecord[];
  failures: RecheckFailure[];
}

interface StoredRow {
  rid: number;
  id: string;
  seq: number;
  body: string;
  body_hash: string;
  received_at: number;
  outcome: string;
  level: number | null;
  staff_login: string;
  window_no: string;
  dept_name: string;
  task_code: string;
  chain_hash: string | null;
  prev_hash: string | null;
}

const ROWS_PER_ROUND = 500;

/**
 * Re-checks what the intake holds for one device, long after arrival: each stored body must still
 * hash to what was stored, carry a valid signature by the key the device held when it arrived (so
 * outcomes from before a key rotation still verify), and agree with the columns that counts and
 * exports read. This is how an edit made directly in the intake's database shows.
 */
export function createStoredRecheck(db: IntakeDb) {
  const keysOf = db.prepare<[string], { public_key: string; enrolled_at: number; retired_at: number | null }>(
    'SELECT public_key, enrolled_at, retired_at FROM device_keys WHERE device_id = ? ORDER BY enrolled_at, rowid',
  );
  const rowsAfter = db.prepare<[string, number, number], StoredRow>(
    `SELECT rowid AS rid, id, seq, body, body_hash, received_at, outcome, level, staff_login, window_no, dept_name, task_code, chain_hash, prev_hash
       FROM outcomes WHERE device_id = ? AND rowid > ? ORDER BY rowid LIMIT ?`,
  );

  function columnsDiffer(row: StoredRow, outcome: Outcome): string | null {
    const expected: Array<[string, unknown, unknown]> = [
      ['seq', row.seq, outcome.seq],
      ['outcome', row.outcome, outcome.outcome],
      ['level', row.level, outcome.level ?? null],
      ['staff_login', row.staff_login, outcome.staff.loginName],
      ['window_no', row.window_no, outcome.window.windowNo],
      ['dept_name', row.dept_name, outcome.case.deptName],
      ['task_code', row.task_code, outcome.case.taskCode],
      ['chain_hash', row.chain_hash, outcome.hash],
      ['prev_hash', row.prev_hash, outcome.prevHash],
    ];
    const differing = expected.filter(([, stored, signed]) => stored !== signed).map(([column, stored, signed]) => `${column} is ${String(stored)}, signed ${String(signed)}`);
    return differing.length > 0 ? differing.join('; ') : null;
  }

  async function checkRow(row: StoredRow, keys: Array<DeviceKeyRecord & { key: KeyObject }>): Promise<RecheckFailure | null> {
    const fail = (code: RecheckFailure['code'], reason: string): RecheckFailure => ({ outcomeId: row.id, seq: row.seq, code, reason });
    if (createHash('sha256').update(row.body).digest('hex') !== row.body_hash) return fail('body_changed', 'the stored body no longer hashes to the hash stored with it');
    let json: unknown;
    try {
      json = JSON.parse(row.body);
    } catch {
      return fail('unreadable', 'the stored body is not JSON');
    }
    const parsed = OutcomeSchema.safeParse(json);
    if (!parsed.success) return fail('unreadable', 'the stored body is not an outcome');
    const outcome = parsed.data;
    // The key the device held when the outcome arrived (both, in the millisecond of a rotation):
    // a retired key, which may have leaked since, vouches for nothing that came later.
    const candidates = keys.filter((k) => k.enrolledAt <= row.received_at && (k.retiredAt === null || k.retiredAt >= row.received_at));
    let verdict: Awaited<ReturnType<typeof verifyOutcome>> = { ok: false, code: 'bad_outcome_signature', reason: 'no key of the device was current when it arrived' };
    for (const key of candidates.reverse()) {
      verdict = await verifyOutcome(outcome, key.key);
      if (verdict.ok || verdict.code === 'tampered') break;
    }
    if (!verdict.ok) return fail(verdict.code, verdict.reason);
    const differ = columnsDiffer(row, outcome);
    return differ ? fail('columns_differ', differ) : null;
  }

  return {
    async recheck(deviceId: string): Promise<RecheckReport> {
      const keys = keysOf.all(deviceId).map((k): DeviceKeyRecord => ({ publicKey: k.public_key, enrolledAt: k.enrolled_at, retiredAt: k.retired_at }));
      const keyObjects = keys.map((k) => ({ ...k, key: publicKeyFromRaw(k.publicKey) }));
      const failures: RecheckFailure[] = [];
      let checked = 0;
      // Read in rounds so a device with many outcomes does not hold the whole set in memory.
      for (let after = 0; ; ) {
        const rows = rowsAfter.all(deviceId, after, ROWS_PER_ROUND);
        if (rows.length === 0) break;
        const results = await Promise.all(rows.map((row) => checkRow(row, keyObjects)));
        for (const failure of results) if (failure) failures.push(failure);
        checked += rows.length;
        after = rows[rows.length - 1]!.rid;
      }
      failures.sort((a, b) => a.seq - b.seq);
      return { deviceId, checked, verified: checked - failures.length, keys, failures };
    },
  };
}

export type StoredRecheck = ReturnType<typeof createStoredRecheck>;
