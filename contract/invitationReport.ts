import { z } from 'zod';
import { CaseEventKindSchema, CaseInfoSchema, StaffSchema } from './caseEvent';

/**
 * The device tells the intake of every invitation it opens (issue 20), so an invitation that
 * never gets an outcome — its outcome deleted, or never recorded — shows as `missing-outcome`
 * instead of as nothing. Reports have a queue of their own on the device, sent within seconds
 * of the invitation (POST /v1/devices/{deviceId}/invitation-reports, signed): not on the outcome
 * chain, which numbers what was rated, and never waiting behind a backlog of outcomes.
 */
export const InvitationReportSchema = z
  .object({
    invitationId: z.uuid({ version: 'v7' }),
    event: CaseEventKindSchema,
    projectNo: CaseInfoSchema.shape.projectNo,
    taskCode: CaseInfoSchema.shape.taskCode,
    staffLoginName: StaffSchema.shape.loginName,
    windowNo: z.string().min(1).max(32),
    /** A citizen's rating of the window without a case. */
    free: z.boolean(),
    /** When the device stored it (its wall clock, ms). */
    receivedAtMs: z.number().int().nonnegative(),
    /** By when, on the same clock, the device must have recorded its ending (rated, unrated, declined or expired). */
    dueAtMs: z.number().int().nonnegative(),
    /** Intake clock minus device clock as the device last measured it; null before it has. */
    clockOffsetMs: z.number().int().nullable(),
  })
  .strict();
export type InvitationReport = z.infer<typeof InvitationReportSchema>;

export const INVITATION_REPORTS_MAX = 200;

export const InvitationReportBatchSchema = z
  .object({
    deviceId: z.string().min(1).max(64),
    hallCode: z.string().min(1).max(64),
    reports: z.array(InvitationReportSchema).min(1).max(INVITATION_REPORTS_MAX),
  })
  .strict();
export type InvitationReportBatch = z.infer<typeof InvitationReportBatchSchema>;

/** Every report of the batch is stored (one already known is kept as it was). */
export const InvitationReportResponseSchema = z.object({ stored: z.number().int().nonnegative(), serverTimeMs: z.number().int().nonnegative() }).strict();
export type InvitationReportResponse = z.infer<typeof InvitationReportResponseSchema>;
