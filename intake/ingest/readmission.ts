import type { TrustRestoreRequest } from '../../contract/adminApi';
import { createDashboardTally } from '../dashboard/dashboardTally';
import type { Followups } from '../followups/followups';
import { readStoredOutcome } from '../integrity/storedOutcome';
import type { IntakeStore } from '../store/store';
import { createMergeApplication } from './mergeApplication';
import type { MergeState } from './mergeRules';

/** At most this many untrusted records are readmitted by one action. */
export const READMIT_MAX = 500;

export type ReadmitResult =
  | { ok: true; readmitted: Array<{ id: string; merge: MergeState }>; stillUntrusted: number }
  | { ok: false; status: 404 | 409; code: string; message: string };

/**
 * A person clears a flagged device: its untrusted records (all, or those named) go through the
 * merge rules as if they arrived now, in chain order — a press before its details — and count,
 * export and open follow-ups as any record in force; the device's flag is lifted, and who did it
 * and why is an integrity event (`trust_restored`). What is not readmitted stays untrusted.
 */
export function createReadmission(store: IntakeStore, followups: Followups, now: () => number = Date.now) {
  const merging = createMergeApplication(followups);
  return (deviceId: string, request: TrustRestoreRequest): Promise<ReadmitResult> =>
    store.transaction(async (tx) => {
      if (!(await tx.devices.currentKey(deviceId))) return { ok: false, status: 404, code: 'unknown_device', message: 'no such device is enrolled' };
      const untrusted = await tx.outcomes.untrusted(deviceId, Number.MAX_SAFE_INTEGER);
      const wanted = request.outcomeIds ? new Set(request.outcomeIds) : null;
      const chosen = wanted ? untrusted.filter((row) => wanted.has(row.id)) : untrusted.slice(0, READMIT_MAX);
      if (wanted && chosen.length !== wanted.size) {
        return { ok: false, status: 409, code: 'not_untrusted', message: 'some of the named outcomes are not untrusted records of this device' };
      }
      const at = now();
      const dashboard = createDashboardTally();
      const readmitted: Array<{ id: string; merge: MergeState }> = [];
      for (const row of chosen) {
        const stored = readStoredOutcome(row.body);
        if (!stored.ok) return { ok: false, status: 409, code: 'unreadable', message: `outcome ${row.id} no longer reads: run the integrity re-check first` };
        const decision = await merging.decide(tx, stored.outcome, true);
        await tx.outcomes.readmit(row.id, decision.merge);
        await merging.apply(tx, dashboard, decision, stored.outcome, at);
        readmitted.push({ id: row.id, merge: decision.merge });
      }
      await dashboard.flush(tx.dashboard);
      await tx.devices.unflag(deviceId);
      await tx.integrity.addEvent(deviceId, 'trust_restored', null, null, `by ${request.by}: ${request.reason} (${readmitted.length} readmitted, ${untrusted.length - readmitted.length} still untrusted)`, at);
      return { ok: true, readmitted, stillUntrusted: untrusted.length - readmitted.length };
    });
}

export type Readmission = ReturnType<typeof createReadmission>;
