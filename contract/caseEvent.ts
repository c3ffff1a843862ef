import { z } from 'zod';

/**
 * A case event posted by the window business system to the host: the case was accepted (受理)
 * or closed (办结), and the citizen should be invited to rate. Field limits follow the provincial
 * interfaces (projectNo an..50, taskCode an..24, regionCode 6 or 12 digits).
 */
const caseTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'expected "yyyy-MM-dd HH:mm:ss"');

export const CaseInfoSchema = z
  .object({
    projectNo: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/, 'expected 1–50 letters, digits, "-" or "_"'),
    taskCode: z.string().regex(/^[A-Za-z0-9_-]{1,24}$/, 'expected 1–24 letters, digits, "-" or "_"'),
    taskName: z.string().trim().min(1).max(200),
    deptCode: z
      .string()
      .regex(/^[0-9A-Z]{18}$/, 'expected an 18-character unified social credit code')
      .optional(),
    deptName: z.string().trim().min(1).max(100),
    regionCode: z.string().regex(/^(\d{6}|\d{12})$/, 'expected 6 or 12 digits').optional(),
    /** 1 自然人, 2 企业法人, 3 事业法人, 4 社会组织法人, 5 非法人企业, 6 行政机关, 9 其他组织 */
    userProp: z.literal([1, 2, 3, 4, 5, 6, 9]).optional(),
    acceptDate: caseTime.optional(),
    resultDate: caseTime.optional(),
  })
  .strict();
export type CaseInfo = z.infer<typeof CaseInfoSchema>;

export const StaffSchema = z
  .object({
    loginName: z.string().trim().min(1).max(64),
    name: z.string().trim().min(1).max(50),
    staffNo: z.string().trim().min(1).max(32).optional(),
  })
  .strict();
export type Staff = z.infer<typeof StaffSchema>;

export const CaseEventKindSchema = z.enum(['accepted', 'closed']);
export type CaseEventKind = z.infer<typeof CaseEventKindSchema>;

export const CaseEventSchema = z
  .object({
    /** Sender's own id for this event; a resend with the same id is the same event. */
    eventId: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/).optional(),
    event: CaseEventKindSchema,
    /** When given, must name this device's window: a guard against misrouted events. */
    windowNo: z.string().min(1).max(16).optional(),
    case: CaseInfoSchema,
    staff: StaffSchema,
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.case.acceptDate && value.case.resultDate && value.case.resultDate < value.case.acceptDate) {
      ctx.addIssue({ code: 'custom', path: ['case', 'resultDate'], message: 'resultDate is earlier than acceptDate' });
    }
  });
export type CaseEvent = z.infer<typeof CaseEventSchema>;

/** Largest case-event body the host reads; anything bigger is refused before parsing. */
export const CASE_EVENT_MAX_BYTES = 16 * 1024;
