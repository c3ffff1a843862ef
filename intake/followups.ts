import { z } from 'zod';
import type { Outcome } from '../contract/outcome';
import type { IntakeDb } from './database';
import type { SealingKeys } from './sealingKeys';
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

interface FollowupRow {
  outcome_id: string;
  class: FollowupClass;
  opened_at: number;
  due_at: number;
  closed_at: number | null;
  note: string | null;
  body: string;
}

/**
 * Every 差评 (不满意 / 非常不满意) opens a follow-up when it reaches the intake. A callback request
 * (实名差评) is followed up at once; the rest default to 5 working days and a reviewer may move
 * a complex case to 15.
 */
export function createFollowups(db: IntakeDb, workingDays: WorkingDays, now: () => number = Date.now) {
  const insert = db.prepare('INSERT OR IGNORE INTO followups (outcome_id, class, opened_at, due_at, counted_on_ingest) VALUES (?, ?, ?, ?, 1)');
  const find = db.prepare<[string], FollowupRow>(
    'SELECT f.*, o.body FROM followups f JOIN outcomes o ON o.id = f.outcome_id WHERE f.outcome_id = ?',
  );
  const listOpen = db.prepare<[number], FollowupRow>(
    'SELECT f.*, o.body FROM followups f JOIN outcomes o ON o.id = f.outcome_id WHERE f.closed_at IS NULL ORDER BY f.due_at LIMIT ?',
  );
  const listAll = db.prepare<[number], FollowupRow>(
    'SELECT f.*, o.body FROM followups f JOIN outcomes o ON o.id = f.outcome_id ORDER BY f.opened_at DESC LIMIT ?',
  );
  const setClass = db.prepare('UPDATE followups SET class = ?, due_at = ? WHERE outcome_id = ?');
  const close = db.prepare('UPDATE followups SET closed_at = ?, note = ? WHERE outcome_id = ? AND closed_at IS NULL');

  function view(row: FollowupRow, sealing: SealingKeys | null) {
    const outcome = JSON.parse(row.body) as Outcome;
    const sealed = outcome.callback.sealedPhone;
    return {
      outcomeId: row.outcome_id,
      class: row.class,
      openedAt: new Date(row.opened_at).toISOString(),
      dueAt: new Date(row.due_at).toISOString(),
      overdue: row.closed_at === null && row.due_at < now(),
      closedAt: row.closed_at === null ? null : new Date(row.closed_at).toISOString(),
      note: row.note,
      level: outcome.level ?? null,
      tags: outcome.tags,
      comment: outcome.comment ?? null,
      ratedAt: outcome.ratedAt,
      window: outcome.window,
      staff: outcome.staff,
      case: { projectNo: outcome.case.projectNo, taskName: outcome.case.taskName, deptName: outcome.case.deptName },
      callbackRequested: outcome.callback.requested,
      // Opened only here, for the people who make the call back.
      phone: sealed && sealing ? sealing.open(sealed) : null,
    };
  }

  return {
    /**
     * Opens a follow-up for a 差评 and says whether it did; other outcomes are left alone. The
     * caller counts an opened follow-up in the dashboard tally of the same transaction.
     */
    openFor(outcome: Outcome, receivedAt: number): boolean {
      if (outcome.outcome !== 'rated' || outcome.level === undefined || outcome.level > 2) return false;
      const cls: FollowupClass = outcome.callback.requested ? 'immediate' : '5wd';
      return insert.run(outcome.id, cls, receivedAt, workingDays.deadline(receivedAt, WORKING_DAYS[cls])).changes === 1;
    },
    update(outcomeId: string, update: FollowupUpdate): 'updated' | 'not_found' | 'already_closed' {
      const row = find.get(outcomeId);
      if (!row) return 'not_found';
      if (row.closed_at !== null) return 'already_closed';
      db.transaction(() => {
        if (update.class) setClass.run(update.class, workingDays.deadline(row.opened_at, WORKING_DAYS[update.class]), outcomeId);
        if (update.close) close.run(now(), update.close.note, outcomeId);
      })();
      return 'updated';
    },
    list(openOnly: boolean, sealing: SealingKeys | null, limit = 500) {
      return (openOnly ? listOpen : listAll).all(limit).map((row) => view(row, sealing));
    },
  };
}

export type Followups = ReturnType<typeof createFollowups>;
