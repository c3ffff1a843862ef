import { z } from 'zod';

/**
 * Hall dashboard and public display (intake → renderer). Good = levels 3–5, bad = levels 1–2
 * (好评/差评); days are the hall's local calendar days as written in ratedAt's offset.
 */
export const DashboardDimensionSchema = z.enum(['hall', 'dept', 'window', 'staff', 'item']);
export type DashboardDimension = z.infer<typeof DashboardDimensionSchema>;

/** total: one row per key; day/week/month: one row per key and period (week = ISO week, keyed by its Monday). */
export const DashboardBucketSchema = z.enum(['total', 'day', 'week', 'month']);
export type DashboardBucket = z.infer<typeof DashboardBucketSchema>;

/** Longest period one query may span: a year and a day (leap years). */
export const DASHBOARD_MAX_DAYS = 366;

const localDay = z.iso.date();

/** Period checks shared by every dashboard query: order and length. */
function checkPeriod(q: { from: string; to: string }, ctx: z.RefinementCtx): void {
  if (q.to < q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to is earlier than from' });
  const days = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 + 1;
  if (days > DASHBOARD_MAX_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `a period spans at most ${DASHBOARD_MAX_DAYS} days` });
}

const hallPeriod = {
  hall: z.string().min(1).max(64),
  /** First and last local day, both included. */
  from: localDay,
  to: localDay,
};

export const DashboardQuerySchema = z
  .object({ ...hallPeriod, by: DashboardDimensionSchema.default('hall'), bucket: DashboardBucketSchema.default('total') })
  .strict()
  .superRefine(checkPeriod);
export type DashboardQuery = z.infer<typeof DashboardQuerySchema>;

export const HotWordsQuerySchema = z
  .object({ ...hallPeriod, limit: z.coerce.number().int().min(1).max(100).default(30) })
  .strict()
  .superRefine(checkPeriod);

export const HallPeriodSchema = z.object(hallPeriod).strict().superRefine(checkPeriod);

export const FollowupStatsSchema = z
  .object({
    /** 差评 outcomes in the period with a follow-up opened. */
    opened: z.number().int().nonnegative(),
    closed: z.number().int().nonnegative(),
    /** Still open after their due time, as of the query. */
    overdue: z.number().int().nonnegative(),
    closedLate: z.number().int().nonnegative(),
    /** closed / opened; null when nothing was opened. */
    completionRate: z.number().min(0).max(1).nullable(),
  })
  .strict();
export type FollowupStats = z.infer<typeof FollowupStatsSchema>;

export const AggregateRowSchema = z
  .object({
    key: z.string(),
    label: z.string(),
    /** The period's first day (day, week) or yyyy-MM (month); null for bucket total. */
    period: z.string().nullable(),
    total: z.number().int().nonnegative(),
    rated: z.number().int().nonnegative(),
    good: z.number().int().nonnegative(),
    bad: z.number().int().nonnegative(),
    unrated: z.number().int().nonnegative(),
    declined: z.number().int().nonnegative(),
    /** Counts of levels 5..1, index 0 = level 1. */
    levels: z.tuple([z.number(), z.number(), z.number(), z.number(), z.number()]),
    /** good / rated; null when nothing was rated. */
    goodRate: z.number().min(0).max(1).nullable(),
    /** (unrated + declined) / total; null when there is nothing. */
    unratedShare: z.number().min(0).max(1).nullable(),
    followups: FollowupStatsSchema,
  })
  .strict();
export type AggregateRow = z.infer<typeof AggregateRowSchema>;

export const AggregateResponseSchema = z
  .object({
    hall: z.string(),
    from: z.string(),
    to: z.string(),
    by: DashboardDimensionSchema,
    bucket: DashboardBucketSchema,
    rows: z.array(AggregateRowSchema),
  })
  .strict();
export type AggregateResponse = z.infer<typeof AggregateResponseSchema>;

export const HotWordSchema = z.object({ word: z.string(), count: z.number().int().positive() }).strict();
export type HotWord = z.infer<typeof HotWordSchema>;

/** Words of public comments only, split by the comment's level (good 3–5, bad 1–2). */
export const HotWordsResponseSchema = z
  .object({ hall: z.string(), from: z.string(), to: z.string(), good: z.array(HotWordSchema), bad: z.array(HotWordSchema) })
  .strict();
export type HotWordsResponse = z.infer<typeof HotWordsResponseSchema>;

/** A public row: counts and rates only (no staff, no citizens, no follow-up notes). */
export const PublicRowSchema = AggregateRowSchema.pick({ key: true, label: true, total: true, rated: true, good: true, bad: true, goodRate: true, unratedShare: true });
export type PublicRow = z.infer<typeof PublicRowSchema>;

/**
 * A comment the citizen allowed to be public, as a hall screen may show it: no names, no ids,
 * phone-like numbers masked by the intake.
 */
export const PublicCommentSchema = z.object({ day: localDay, polarity: z.enum(['good', 'bad']), text: z.string() }).strict();
export type PublicComment = z.infer<typeof PublicCommentSchema>;

export const PublicDisplayResponseSchema = z
  .object({
    hall: z.string(),
    from: z.string(),
    to: z.string(),
    totals: PublicRowSchema,
    followupCompletionRate: z.number().min(0).max(1).nullable(),
    departments: z.array(PublicRowSchema),
    windows: z.array(PublicRowSchema),
    hotWords: z.object({ good: z.array(HotWordSchema), bad: z.array(HotWordSchema) }).strict(),
    /** The period's latest public comments, newest first. */
    comments: z.array(PublicCommentSchema),
  })
  .strict();
export type PublicDisplayResponse = z.infer<typeof PublicDisplayResponseSchema>;
