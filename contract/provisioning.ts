import { z } from 'zod';

/** A token for a device's first enrolment, or for replacing the key of an enrolled device. */
export const EnrolmentPurposeSchema = z.enum(['enrol', 'rotate']);
export type EnrolmentPurpose = z.infer<typeof EnrolmentPurposeSchema>;

/**
 * What `npm run provision` hands the intake operator: enrolment tokens as SHA-256 hashes only
 * (the tokens themselves travel only inside the device bundles), each bound to one device and
 * its hall: the intake enrols only that device with it, and takes the device's hall from it.
 */
export const ProvisionedTokenSchema = z
  .object({
    tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected a hex SHA-256'),
    deviceId: z.string().regex(/^[A-Za-z0-9_-]{3,64}$/),
    /** The device's hall; files written before halls were bound give it once, at the top. */
    hallCode: z.string().min(1).max(64).optional(),
    purpose: EnrolmentPurposeSchema.default('enrol'),
    expiresAt: z.iso.datetime({ offset: true }),
  })
  .strict();
export type ProvisionedToken = z.infer<typeof ProvisionedTokenSchema>;

export const ProvisionedTokensFileSchema = z
  .object({
    hallCode: z.string().min(1).max(64),
    generatedAt: z.iso.datetime({ offset: true }),
    tokens: z.array(ProvisionedTokenSchema),
  })
  .strict()
  .superRefine((file, ctx) => {
    file.tokens.forEach((t, i) => {
      if (t.hallCode !== undefined && t.hallCode !== file.hallCode) ctx.addIssue({ code: 'custom', path: ['tokens', i, 'hallCode'], message: `the file is for hall ${file.hallCode}` });
    });
  });
export type ProvisionedTokensFile = z.infer<typeof ProvisionedTokensFileSchema>;

/**
 * The case-event tokens of a hall's screens (pad, monitor) as SHA-256 hashes, for the intake: a
 * window business system posts the case events of a host-less tablet to the intake with the
 * device's caseEventToken (`npm run case-event -- --intake`), and the intake keeps only hashes.
 */
export const CaseEventTokensFileSchema = z
  .object({
    hallCode: z.string().min(1).max(64),
    generatedAt: z.iso.datetime({ offset: true }),
    tokens: z.array(z.object({ deviceId: z.string().regex(/^[A-Za-z0-9_-]{3,64}$/), tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected a hex SHA-256') }).strict()),
  })
  .strict();
export type CaseEventTokensFile = z.infer<typeof CaseEventTokensFileSchema>;
