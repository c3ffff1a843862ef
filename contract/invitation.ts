import { z } from 'zod';
import { CaseEventKindSchema, CaseInfoSchema, StaffSchema } from './caseEvent';

/** A request to the citizen to rate one case event; exactly one outcome ends it. */
export const InvitationSchema = z
  .object({
    id: z.uuid({ version: 'v7' }),
    event: CaseEventKindSchema,
    case: CaseInfoSchema,
    staff: StaffSchema,
    /** Epoch ms at which the host accepted the case event. */
    receivedAtMs: z.number().int().nonnegative(),
    /** Begun by a citizen at the window without a case (hall policy allowFreeRating); its outcome is flagged free-rating. */
    free: z.literal(true).optional(),
  })
  .strict();
export type Invitation = z.infer<typeof InvitationSchema>;
