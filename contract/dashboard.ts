import { z } from 'zod';
import { PublicChannelCountsSchema } from './phoneRating';

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
    /**
     * 差评 judged 误评 or 恶意评价 by an upheld appeal (issue 23): still in `total` and `levels`
     * (the rating stays), but not in `bad`, `rated` or `goodRate`.
     */
    excludedAfterAppeal: z.number().int().nonnegative(),
  })
  .strict();
export type AggregateRow = z.infer<typeof AggregateRowSchema>;

const share = z.number().min(0).max(1).nullable();

/** The 差评 tickets of a hall opened in a period (issue 23): rectification, revisit and appeal figures. */
export const TicketFiguresSchema = z
  .object({
    opened: z.number().int().nonnegative(),
    /** 属实 差评 put into rectification, and those done, and done by their (extended) deadline. */
    rectifying: z.number().int().nonnegative(),
    rectified: z.number().int().nonnegative(),
    rectifiedOnTime: z.number().int().nonnegative(),
    /** 整改完成率: rectified / rectifying. */
    completionRate: share,
    /** 按期整改率: rectified on time / rectified. */
    onTimeRate: share,
    /** Revisits (回访) where the citizen gave their satisfaction with the fix, and those satisfied or basically satisfied. */
    revisited: z.number().int().nonnegative(),
    satisfied: z.number().int().nonnegative(),
    /** 回访满意率: satisfied / revisited. */
    satisfactionRate: share,
    appeals: z.object({ filed: z.number().int().nonnegative(), upheld: z.number().int().nonnegative(), rejected: z.number().int().nonnegative(), pending: z.number().int().nonnegative() }).strict(),
  })
  .strict();
export type TicketFigures = z.infer<typeof TicketFiguresSchema>;

/** A rectified public 差评 as a hall screen may show it: what was done, no names, phone-like numbers masked. */
export const PublicRectificationSchema = z.object({ day: localDay, department: z.string().nullable(), item: z.string().nullable(), result: z.string() }).strict();
export type PublicRectification = z.infer<typeof PublicRectificationSchema>;

export const AggregateResponseSchema = z
  .object({
    hall: z.string(),
    from: z.string(),
    to: z.string(),
    by: DashboardDimensionSchema,
    bucket: DashboardBucketSchema,
    rows: z.array(AggregateRowSchema),
    tickets: TicketFiguresSchema,
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
export const PublicRowSchema = AggregateRowSchema.pick({ key: true, label: true, total: true, rated: true, good: true, bad: true, goodRate: true, unratedShare: true, excludedAfterAppeal: true });
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
    tickets: TicketFiguresSchema,
    /** The period's latest rectified public 差评, newest first. */
    rectifications: z.array(PublicRectificationSchema),
    /** The period's counted ratings by channel: the hall's devices and each phone channel (issue 24). */
    channels: PublicChannelCountsSchema,
  })
  .strict();
export type PublicDisplayResponse = z.infer<typeof PublicDisplayResponseSchema>;
