import type { DeviceContext } from '../../contract/hallConfig';
import type { Invitation } from '../../contract/invitation';
import type { InvitationReport } from '../../contract/invitationReport';
import type { PendingInvitation } from '../flow/machine';
import type { EvaluatorDb } from './db';
import { isQuotaError } from './outbox';
import { pruneDeviceData, TIGHT_PRUNE_LIMITS } from './prune';

/**
 * Stores an invitation as pending unless it is already known. Resolves once the write has
 * committed: only then may the host be told to forget it. Out of space, it frees what may be
 * freed (never an unsent outcome) and tries once more, as an outcome's write does.
 */
export async function storeInvitation(db: EvaluatorDb, invitation: Invitation, report?: InvitationReport): Promise<PendingInvitation | null> {
  try {
    return await storeOnce(db, invitation, report);
  } catch (error) {
    if (!isQuotaError(error)) throw error;
    await pruneDeviceData(db, Date.now(), TIGHT_PRUNE_LIMITS).catch(() => undefined);
    return storeOnce(db, invitation, report);
  }
}

/** A new invitation and its report for the intake are stored together: neither without the other. */
function storeOnce(db: EvaluatorDb, invitation: Invitation, report: InvitationReport | undefined): Promise<PendingInvitation | null> {
  return db.transaction('rw', db.invitations, db.invitationReports, async () => {
    const known = await db.invitations.get(invitation.id);
    if (known) return known.state === 'pending' ? toPending(known.invitation, known.firstShownAtMs) : null;
    await db.invitations.add({ id: invitation.id, invitation, state: 'pending', receivedAtMs: invitation.receivedAtMs });
    if (report) await db.invitationReports.put({ invitationId: invitation.id, report, atMs: report.receivedAtMs });
    return { invitation };
  });
}

/**
 * The report of a new invitation (contract/invitationReport.ts). It is due once it may have
 * waited its expiry in the queue and run every screen to its timeout, with five minutes to spare.
 */
export function invitationReportOf(invitation: Invitation, context: DeviceContext, nowMs: number, clockOffsetMs: number | null): InvitationReport {
  const { policies } = context;
  const shownBy = Math.max(invitation.receivedAtMs + policies.invitationExpiryMin * 60_000, nowMs);
  const screensMs = (policies.inviteTimeoutSec + policies.detailsTimeoutSec + policies.thanksSec) * 1000;
  return {
    invitationId: invitation.id,
    event: invitation.event,
    projectNo: invitation.case.projectNo,
    taskCode: invitation.case.taskCode,
    staffLoginName: invitation.staff.loginName,
    windowNo: context.window.no,
    free: invitation.free === true,
    receivedAtMs: nowMs,
    dueAtMs: shownBy + screensMs + REPORT_SPARE_MS,
    clockOffsetMs,
  };
}

const REPORT_SPARE_MS = 5 * 60_000;

/** The oldest reports waiting to be sent. */
export async function pendingReports(db: EvaluatorDb, limit: number): Promise<InvitationReport[]> {
  return (await db.invitationReports.orderBy('atMs').limit(limit).toArray()).map((row) => row.report);
}

/** Forgets reports the intake has stored. */
export async function forgetReports(db: EvaluatorDb, invitationIds: string[]): Promise<void> {
  await db.invitationReports.bulkDelete(invitationIds);
}

/** Invitations that have no outcome yet, oldest first: restored into the queue after a reload. */
export async function loadPendingInvitations(db: EvaluatorDb): Promise<PendingInvitation[]> {
  const rows = await db.invitations.where('state').equals('pending').sortBy('receivedAtMs');
  return rows.map((row) => toPending(row.invitation, row.firstShownAtMs));
}

export async function markInvitationShown(db: EvaluatorDb, id: string, shownAtMs: number): Promise<void> {
  await db.invitations.update(id, { firstShownAtMs: shownAtMs });
}

/**
 * Presses after the one that counted arrive once the outcome is already signed, so the burst
 * is queued as a late flag for that outcome and sent with the next upload.
 */
export async function noteExtraPresses(db: EvaluatorDb, id: string, extraPresses: number): Promise<void> {
  await db.transaction('rw', db.invitations, db.lateFlags, async () => {
    const row = await db.invitations.get(id);
    if (!row) return;
    await db.invitations.update(id, { extraPresses });
    if (row.outcomeId) await db.lateFlags.put({ outcomeId: row.outcomeId, flag: 'press-burst', count: extraPresses });
  });
}

function toPending(invitation: Invitation, firstShownAtMs: number | undefined): PendingInvitation {
  return firstShownAtMs === undefined ? { invitation } : { invitation, firstShownAtMs };
}
