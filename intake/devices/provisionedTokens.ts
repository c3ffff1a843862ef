import { readFileSync } from 'node:fs';
import { CaseEventTokensFileSchema, ProvisionedTokensFileSchema } from '../../contract/provisioning';
import type { EnrolmentToken } from './enrolment';

/** Reads the token list `npm run provision` wrote for the intake (hashes only, each bound to its device and hall) and checks it. */
export function readProvisionedTokens(file: string): EnrolmentToken[] {
  const parsed = ProvisionedTokensFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const { hallCode, tokens } = parsed.data;
  return tokens.map((t) => ({ tokenSha256: t.tokenSha256, deviceId: t.deviceId, hallCode: t.hallCode ?? hallCode, purpose: t.purpose, expiresAtMs: Date.parse(t.expiresAt) }));
}

/** Reads the case-event token hashes `npm run provision` wrote for the intake: device id → SHA-256. */
export function readCaseEventTokenHashes(file: string): Record<string, string> {
  const parsed = CaseEventTokensFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return Object.fromEntries(parsed.data.tokens.map((t) => [t.deviceId, t.tokenSha256]));
}
