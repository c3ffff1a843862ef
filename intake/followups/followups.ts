import { z } from 'zod';
import type { Outcome } from '../../contract/outcome';
import { ratingRecordAsStored, type RatingRecord } from '../ingest/ratingRecord';
import type { SealingKeys } from '../devices/sealingKeys';
import type { FollowupRow, IntakeData, IntakeStore } from '../store/store';
import type { TicketWriter } from '../tickets/tickets';
import type { WorkingDays } from './workingDays';

/** 即时整改 / 5 个工作日 / 15 个工作日 (国办发〔2019〕51号 follow-up classes). */
export const FollowupClassSchema = z.enum(['immediate', '5wd', '15wd']);
export type FollowupClass = z.infer<typeof FollowupClassSchema>;

const WORKING_DAYS: Record<FollowupClass, number> = { immediate: 1, '5wd': 5, '15wd': 15 };

export const FollowupUpdateSchema = z
  .object({
    class: FollowupClassSchema.optional(),
    /** Closing needs a note of what was done. */
    close: z.object({ note: z.string().trim().min(2).max(500) }).strict().optional(),
  })
  .strict()
  .refine((u) => u.class !== undefined || u.close !== undefined, { message: 'give a class, a close note, or both' });
export type FollowupUpdate = z.infer<typeof FollowupUpdateSchema>;

/** What the ingest hooks reach in the transaction: the follow-ups and the tickets. */
type TicketTx = Pick<IntakeData, 'followups' | 'tickets'>;

/**
 * Every 差评 (不满意 / 非常不满意) opens a follow-up when it reaches the intake, from a device or a
 * citizen's phone (a phone rating's id stands where a device's outcome id does). A callback request
 * (实名差评) is followed up at once; the rest default to 5 working days and a reviewer may move
 * a complex case to 15.
 */
export function createFollowups(store: IntakeStore, workingDays: WorkingDays, now: () => number = Date.now, tickets?: TicketWriter) {
  function view(row: FollowupRow, sealing: SealingKeys | null) {
    const outcome = ratingRecordAsStored(row.body, row.detailsBody);
    const sealed = outcome.callback.sealedPhone;
    return {
      outcomeId: row.outcomeId,
      class: row.class,
      openedAt: new Date(row.openedAt).toISOString(),
      dueAt: new Date(row.dueAt).toISOString(),
      overdue: row.closedAt === null && row.dueAt < now(),
      closedAt: row.closedAt === null ? null : new Date(row.closedAt).toISOString(),
      note: row.note,
      level: outcome.level ?? null,
      tags: outcome.tags,
      comment: outcome.comment ?? null,
      ratedAt: outcome.ratedAt,
      window: outcome.window,
      staff: outcome.staff ?? null,
      case: { projectNo: outcome.case.projectNo, taskName: outcome.case.taskName, deptName: outcome.case.deptName },
      callbackRequested: outcome.callback.requested,
      // Opened only here, for the people who make the call back.
      phone: sealed && sealing ? sealing.open(sealed) : null,
    };
  }

  /** The follow-up a 差评 opens when it reaches the intake at `receivedAt`; null for any other rating. */
  function followupOf(outcome: RatingRecord, receivedAt: number): { outcomeId: string; cls: FollowupClass; openedAt: number; dueAt: number } | null {
    if (outcome.outcome !== 'rated' || outcome.level === undefined || outcome.level > 2) return null;
    const cls: FollowupClass = outcome.callback.requested ? 'immediate' : '5wd';
    return { outcomeId: outcome.id, cls, openedAt: receivedAt, dueAt: workingDays.deadline(receivedAt, WORKING_DAYS[cls]) };
  }

  return {
    /**
     * Opens a follow-up for a 差评, in the ingest transaction that stores it, and says whether
     * it did; other outcomes are left alone. The caller counts an opened follow-up in the
     * dashboard tally of the same transaction.
     */
    async openFor(tx: TicketTx, outcome: RatingRecord, receivedAt: number): Promise<boolean> {
      const row = followupOf(outcome, receivedAt);
      if (!row) return false;
      const opened = await tx.followups.openOnIngest(row.outcomeId, row.cls, row.openedAt, row.dueAt);
      // Every 差评 whose follow-up opens gets its ticket (intake/tickets/) in the same transaction.
      if (opened && tickets) await tickets.openFor(tx.tickets, outcome, receivedAt);
      return opened;
    },
    /**
     * openFor of a batch's ratings in force, their follow-ups written together; returns the ids it
     * opened a follow-up for, whose tickets the caller opens with openTicketsFor in the same transaction.
     */
    async openManyFor(tx: Pick<IntakeData, 'ingest'>, outcomes: RatingRecord[], receivedAt: number): Promise<Set<string>> {
      const rows = outcomes.map((outcome) => followupOf(outcome, receivedAt)).filter((row) => row !== null);
      return new Set(rows.length === 0 ? [] : await tx.ingest.openFollowups(rows));
    },
    /** The tickets of the 差评 openManyFor opened a follow-up for, written together (last in a batch: they take the ticket log's turn). */
    async openTicketsFor(tx: Pick<IntakeData, 'tickets'>, outcomes: RatingRecord[], receivedAt: number): Promise<void> {
      if (tickets && outcomes.length > 0) await tickets.openForMany(tx.tickets, outcomes, receivedAt);
    },
    /**
     * The citizen's details of a 差评 arrived after its press: a callback request (实名差评) makes
     * the follow-up immediate, counted from when it opened.
     */
    async onDetails(tx: TicketTx, pressId: string, details: Outcome): Promise<void> {
      if (!details.callback.requested) return;
      if (tickets) await tickets.onCallback(tx.tickets, pressId);
      const row = await tx.followups.find(pressId);
      if (!row || row.closedAt !== null || row.class === 'immediate') return;
      await tx.followups.setClass(pressId, 'immediate', workingDays.deadline(row.openedAt, WORKING_DAYS.immediate));
    },
    /** The citizen withdrew the press: its follow-up goes, unless someone already closed it; its ticket closes, kept. */
    async onWithdrawn(tx: TicketTx, pressId: string): Promise<boolean> {
      if (tickets) await tickets.onWithdrawn(tx.tickets, pressId);
      return tx.followups.removeUntouched(pressId);
    },
    update(outcomeId: string, update: FollowupUpdate): Promise<'updated' | 'not_found' | 'already_closed'> {
      return store.transaction(async ({ followups }) => {
        const row = await followups.find(outcomeId);
        if (!row) return 'not_found';
        if (row.closedAt !== null) return 'already_closed';
        if (update.class) await followups.setClass(outcomeId, update.class, workingDays.deadline(row.openedAt, WORKING_DAYS[update.class]));
        if (update.close) await followups.close(outcomeId, now(), update.close.note);
        return 'updated';
      });
    },
    /** A page of follow-ups (open by due time, or all newest first) after the key an earlier page ended with, and the key of its last. */
    async list(openOnly: boolean, sealing: SealingKeys | null, limit = 200, after?: { at: number; outcomeId: string }) {
      const rows = await store.followups.list(openOnly, limit, after);
      const last = rows[rows.length - 1];
      return { followups: rows.map((row) => view(row, sealing)), last: last ? { at: openOnly ? last.dueAt : last.openedAt, outcomeId: last.outcomeId } : null };
    },
  };
}

export type Followups = ReturnType<typeof createFollowups>;
