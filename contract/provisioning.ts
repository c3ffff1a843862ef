import { z } from 'zod';

/**
 * What `npm run provision` hands the intake operator: enrolment tokens as SHA-256 hashes only
 * (the tokens themselves travel only inside the device bundles), each bound to one device.
 */
export const ProvisionedTokenSchema = z
  .object({
    tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected a hex SHA-256'),
    deviceId: z.string().regex(/^[A-Za-z0-9_-]{3,64}$/),
    expiresAt: z.iso.datetime({ offset: true }),
  })
  .strict();
export type ProvisionedToken = z.infer<typeof ProvisionedTokenSchema>;

export const ProvisionedTokensFileSchema = z
  .object({
    hallCode: z.string(),
    generatedAt: z.iso.datetime({ offset: true }),
    tokens: z.array(ProvisionedTokenSchema),
  })
  .strict();
export type ProvisionedTokensFile = z.infer<typeof ProvisionedTokensFileSchema>;
