import { INVITATION_REPORTS_MAX } from '../../contract/invitationReport';
import type { EvaluatorDb } from '../data/db';
import { forgetReports, pendingReports } from '../data/invitations';
import type { IntakeClient } from './intakeClient';

export interface ReportUploaderDeps {
  db: EvaluatorDb;
  client: Pick<IntakeClient, 'invitationReports'>;
  deviceId: string;
  hallCode: string;
  /** How often queued reports are tried again when nothing cues a send (ms). */
  retryMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * Sends the reports of new invitations to the intake (contract/invitationReport.ts), from their
 * own queue: at once when cued, and again every retryMs while any wait. A report leaves the
 * queue only when the intake has stored it. One send at a time.
 */
export function startReportUploader(deps: ReportUploaderDeps) {
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const retryMs = deps.retryMs ?? 30_000;
  let timer: unknown;
  let sending: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  async function sendAll(): Promise<void> {
    for (;;) {
      const reports = await pendingReports(deps.db, INVITATION_REPORTS_MAX);
      if (reports.length === 0 || stopped) return;
      const stored = await deps.client.invitationReports({ deviceId: deps.deviceId, hallCode: deps.hallCode, reports });
      if (!stored || stopped) return;
      await forgetReports(
        deps.db,
        reports.map((r) => r.invitationId),
      );
      if (reports.length < INVITATION_REPORTS_MAX) return;
    }
  }

  function arm(): void {
    if (timer !== undefined) clearTimer(timer);
    timer = stopped ? undefined : setTimer(() => void notify(), retryMs);
  }

  function notify(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (sending) {
      again = true;
      return sending;
    }
    sending = sendAll()
      .catch((error: unknown) => console.warn(`invitation reports: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        sending = null;
        if (again) {
          again = false;
          void notify();
        } else arm();
      });
    return sending;
  }

  void notify();
  return {
    /** A new report is queued: send now. Resolves when the send this starts (or joins) has ended. */
    notify,
    stop(): void {
      stopped = true;
      if (timer !== undefined) clearTimer(timer);
      timer = undefined;
    },
  };
}

export type ReportUploader = ReturnType<typeof startReportUploader>;
